"""The build's pure-Python decisions: what is bundled, which llama.cpp, which model.

These run without PyInstaller; CI builds the real bundle separately
(``packaging/ci_build.sh``) and runs its self-test.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _load(name: str, filename: str):
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))  # build.py imports bundle_rules by name
    spec = importlib.util.spec_from_file_location(name, PACKAGING / filename)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


# "build" would shadow PyPA's build package, so the script gets a name of its own
build = _load("companion_build_script", "build.py")
rules = sys.modules["bundle_rules"]

NATIVE_INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 "
               "| AVX512 = 1 | AVX512_VBMI = 1 | AVX512_VNNI = 1 | LLAMAFILE = 1 | OPENMP = 1 "
               "| REPACK = 1 |")
PORTABLE_INFO = ("CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 "
                 "| LLAMAFILE = 1 | OPENMP = 1 | REPACK = 1 |")


# ----- what goes in -------------------------------------------------------------------------
@pytest.mark.parametrize("dest", [
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/tls/libqopensslbackend.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/lib/libQt6Quick.so.6",
    "PySide6/Qt/lib/libQt6Qml.so.6",
    "libQt6WebEngineCore.so.6",
    "PySide6\\Qt6Pdf.dll",
    "PySide6/Qt/lib/QtQml.framework/QtQml",
    "llama_cpp/lib/libmtmd.so",
])
def test_unused_qt_and_llama_parts_are_left_out(dest):
    assert rules.is_unwanted(dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/lib/libQt6Widgets.so.6",
    "PySide6/Qt/lib/libQt6Gui.so.6",
    "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
    "llama_cpp/lib/libllama.so",
    "companion/curriculum/days/day04.toml",
])
def test_what_the_app_uses_stays(dest):
    assert not rules.is_unwanted(dest)


def test_each_llama_library_is_shipped_once(tmp_path: Path):
    for name in ["libllama.so", "libllama.so.0", "libllama.so.0.5.0", "libggml.so",
                 "libggml.so.0", "libggml.so.0.25.3", "libggml-base.so", "libggml-base.so.0",
                 "libggml-base.so.0.25.3", "libmtmd.so", "libmtmd.so.0", "README"]:
        (tmp_path / name).write_bytes(b"x")
    kept = [p.name for p in rules.llama_libraries(tmp_path)]
    # what Python opens by name, plus the sonames the libraries link against
    assert kept == ["libggml-base.so.0", "libggml.so", "libggml.so.0", "libllama.so"]


def test_windows_and_macos_libraries_are_all_kept(tmp_path: Path):
    for name in ["llama.dll", "ggml.dll", "ggml-base.dll", "libllama.dylib", "mtmd.dll"]:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in rules.llama_libraries(tmp_path)] == [
        "ggml-base.dll", "ggml.dll", "libllama.dylib", "llama.dll"]


def test_top_level_copies_of_llama_libraries_are_dropped():
    entries = [("llama_cpp/lib/libggml.so.0", "/c/libggml.so.0", "BINARY"),
               ("libggml.so.0", "/c/libggml.so.0", "BINARY"),
               ("libgomp.so.1", "/usr/lib/libgomp.so.1", "BINARY"),
               ("numpy/libggml.so.0", "/x", "BINARY")]
    assert [e[0] for e in rules.drop_top_level_copies(entries)] == [
        "llama_cpp/lib/libggml.so.0", "libgomp.so.1", "numpy/libggml.so.0"]


def test_the_installed_llama_libraries_are_found_and_complete():
    lib_dir = build.installed_llama_lib_dir()
    names = {p.name for p in rules.llama_libraries(lib_dir)}
    expected = {"win32": {"llama.dll", "ggml.dll"}, "darwin": {"libllama.dylib"}}
    assert expected.get(sys.platform, {"libllama.so", "libggml.so", "libggml-base.so.0",
                                       "libggml-cpu.so.0"}) <= names


def test_pruning_keeps_what_roots_reach_and_drops_orphans():
    entries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("libglib-2.0.so.0", "/src/libglib.so", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),  # only the dropped GTK theme used it
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libxcb-cursor.so.0", "/src/libxcb-cursor.so.0", "BINARY"),
        ("libQt6Widgets.so.6", "PySide6/Qt/lib/libQt6Widgets.so.6", "SYMLINK"),
        ("llama_cpp/lib/libllama.so", "/src/libllama.so", "BINARY"),
        ("libgomp.so.1", "/src/libgomp.so.1", "BINARY"),
    ]
    graph = {"/src/QtWidgets.so": ["libQt6Widgets.so.6"],
             "/src/libQt6Widgets.so.6": ["libglib-2.0.so.0"],
             "/src/libqxcb.so": ["libxcb-cursor.so.0"],
             "/src/libllama.so": ["libgomp.so.1"]}
    kept, dropped = rules.prune_unreachable(entries, lambda src: graph.get(src, []))
    assert dropped == ["libcairo.so.2"]
    assert len(kept) == len(entries) - 1


# ----- which llama.cpp ----------------------------------------------------------------------
def test_a_native_build_is_called_native_and_names_the_extra_instructions():
    verdict = rules.classify(NATIVE_INFO, "x86_64")
    assert not verdict.portable
    assert verdict.beyond_baseline == ("AVX512", "AVX512_VBMI", "AVX512_VNNI")
    assert "Illegal instruction" in verdict.describe()


def test_a_ggml_native_off_build_is_portable():
    verdict = rules.classify(PORTABLE_INFO, "x86_64")
    assert verdict.portable
    assert "x86-64-v3" in verdict.describe()


def test_arm_builds_are_not_judged_by_x86_instruction_sets():
    assert rules.classify("CPU : NEON = 1 | ARM_FMA = 1 | DOTPROD = 1 |", "arm64").portable


def test_portable_cmake_args_turn_native_off_and_name_the_baseline():
    args = build.portable_cmake_args("-DGGML_BLAS=OFF")
    assert "-DGGML_NATIVE=OFF" in args.split()
    assert "-DGGML_AVX512=ON" not in args
    assert args.endswith("-DGGML_BLAS=OFF")
    if sys.platform == "win32":
        assert "-DGGML_OPENMP=OFF" in args


def test_a_different_flag_set_is_a_different_cached_build():
    assert build.cache_key("0.3.36", "-DGGML_NATIVE=OFF") != build.cache_key(
        "0.3.36", "-DGGML_NATIVE=OFF -DGGML_AVX2=OFF")
    assert build.cache_key("0.3.36", "a") == build.cache_key("0.3.36", "a")


def test_the_installed_libraries_report_what_they_were_compiled_with():
    info = build.llama_system_info(build.installed_llama_lib_dir())
    assert "CPU :" in info or "CPU:" in info


def test_auto_bundles_an_installed_portable_build_without_compiling(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "llama_system_info", lambda _dir: PORTABLE_INFO)
    monkeypatch.setattr(build, "build_portable_llama",
                        lambda *a: pytest.fail("compiled although the installed one is portable"))
    args = build.parse_args(["--cache", str(tmp_path)])
    assert build.pick_llama(args, "0.3.36") == build.installed_llama_lib_dir()


def test_auto_compiles_a_portable_build_when_the_installed_one_is_native(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "llama_system_info", lambda _dir: NATIVE_INFO)
    calls = []
    monkeypatch.setattr(build, "build_portable_llama",
                        lambda version, flags, cache: calls.append(flags) or cache / "lib")
    args = build.parse_args(["--cache", str(tmp_path)])
    assert build.pick_llama(args, "0.3.36") == tmp_path / "lib"
    assert "-DGGML_NATIVE=OFF" in calls[0]


def test_a_cached_portable_build_is_reused_not_recompiled(monkeypatch, tmp_path: Path):
    flags = build.portable_cmake_args()
    cached = tmp_path / f"llama-cpp-python-0.3.36-{build.cache_key('0.3.36', flags)}"
    (cached / "lib").mkdir(parents=True)
    (cached / "BUILD_INFO.json").write_text(json.dumps({"seconds": 300, "built_on": "ci"}))
    monkeypatch.setattr(build.subprocess, "call",
                        lambda *a, **k: pytest.fail("pip was run although the build is cached"))
    assert build.build_portable_llama("0.3.36", flags, tmp_path) == cached / "lib"


# ----- which model --------------------------------------------------------------------------
@pytest.fixture
def gguf(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.gguf"
    path.write_bytes(b"GGUF" + b"\x00" * 16)
    return path


def test_no_model_argument_means_the_default_model():
    assert rules.parse_model_spec(None) is None
    assert rules.parse_model_spec("default") is None
    assert build.choose_model(None).name.endswith(".gguf")


def test_a_local_gguf_is_bundled_as_is(gguf: Path):
    choice = rules.parse_model_spec(str(gguf))
    assert choice.local == gguf.resolve() and not choice.needs_download
    assert build.choose_model(str(gguf)) == gguf.resolve()


def test_hf_specs_are_split_into_repo_file_and_revision():
    choice = rules.parse_model_spec("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/"
                                    "qwen2.5-0.5b-instruct-q4_k_m.gguf@a1b2c3")
    assert (choice.repo_id, choice.filename, choice.revision) == (
        "Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf", "a1b2c3")
    assert choice.needs_download
    nested = rules.parse_model_spec("hf:org/repo/sub/dir/m.gguf")
    assert nested.filename == "sub/dir/m.gguf" and nested.revision is None


@pytest.mark.parametrize("spec, message", [
    ("hf:onlyrepo/file.gguf", "hf:OWNER/REPO/FILE.gguf"),
    ("hf:org/repo/model.bin", "must be a .gguf"),
    ("hf:org/repo/model.gguf@", "nothing after '@'"),
    ("hf:bad repo/x/model.gguf", "not a Hugging Face repo id"),
    ("/no/such/model.gguf", "no such file"),
    ("no-such-catalog-id", "not a catalog id"),
])
def test_bad_model_specs_say_how_to_write_them(spec, message):
    with pytest.raises(rules.ModelSpecError, match=message):
        rules.parse_model_spec(spec, {})


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path):
    fake = tmp_path / "page.gguf"
    fake.write_text("<html>not a model</html>")
    with pytest.raises(rules.ModelSpecError, match="wrong magic"):
        rules.parse_model_spec(str(fake))


def test_catalog_ids_resolve_through_the_apps_model_catalog():
    catalog = build.catalog_entries()
    assert "qwen2.5-0.5b-instruct" in catalog, "models/catalog.toml lost its Qwen entry?"
    entry = catalog["qwen2.5-0.5b-instruct"]
    choice = rules.parse_model_spec(
        "qwen2.5-0.5b-instruct", {i: {"repo": e.repo, "file": e.file, "revision": e.revision}
                                  for i, e in catalog.items()})
    assert (choice.catalog_id, choice.repo_id, choice.filename, choice.revision) == (
        entry.id, entry.repo, entry.file, entry.revision)
    with pytest.raises(build.BuildError, match="known ids: .*qwen2.5-0.5b-instruct"):
        build.choose_model("llama-9000")


def test_the_built_in_catalog_entry_needs_no_download():
    built_in = [i for i, e in build.catalog_entries().items() if e.bundled]
    assert built_in and build.choose_model(built_in[0]) == build.choose_model(None)


def test_a_catalog_download_offline_fails_with_one_clear_line(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # belt and braces: never the hub
    with pytest.raises(build.BuildError, match="cannot download qwen2.5-0.5b-instruct: offline"):
        build.choose_model("qwen2.5-0.5b-instruct", tmp_path)
    assert not any(tmp_path.rglob("*.gguf"))


def test_downloading_a_model_offline_fails_with_one_clear_line(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(build.BuildError, match="cannot download .*offline"):
        build.choose_model("hf:example/never-downloaded-GGUF/model.gguf")


# ----- the command line ---------------------------------------------------------------------
def test_build_options_parse():
    args = build.parse_args(["--llama", "installed", "--model", "x.gguf", "--self-test"])
    assert (args.llama, args.model, args.self_test) == ("installed", "x.gguf", True)
    assert build.parse_args([]).llama == "auto"
    with pytest.raises(SystemExit):
        build.parse_args(["--llama", "fastest"])


def test_build_refuses_contradictory_options_before_building(tmp_path: Path, capsys):
    summary = tmp_path / "summary.json"
    code = build.main(["--llama", "installed", "--cmake-args=-DGGML_AVX2=OFF",
                       "--summary", str(summary)])
    assert code == 1
    assert "--cmake-args only applies to a portable build" in capsys.readouterr().err
    assert json.loads(summary.read_text())["ok"] is False


def test_build_refuses_a_bad_model_before_running_pyinstaller(tmp_path: Path, capsys):
    code = build.main(["--llama", "installed", "--model", str(tmp_path / "missing.gguf"),
                       "--summary", str(tmp_path / "s.json")])
    assert code == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err


# ----- the frozen entry point ---------------------------------------------------------------
def test_windowed_app_without_standard_streams_still_prints_and_loads_the_model():
    """A Windows GUI process starts with sys.stdout None and no fds 0-2, while
    llama.cpp's quiet mode does os.dup(1)/os.dup(2) around model loads.
    Reproduced here by closing the fds before the frozen entry point runs."""
    from companion.tutor.model_files import bundled_model_path

    code = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(PACKAGING)!r})\n"
        "report = os.fdopen(os.dup(1), 'w')\n"
        "os.close(0); os.close(1); os.close(2); sys.stdout = sys.stderr = sys.stdin = None\n"
        "import entry\n"
        "def valid(fd):\n"
        "    try: os.fstat(fd); return True\n"
        "    except OSError: return False\n"
        "report.write(f'before={valid(1)},{valid(2)} ')\n"
        "entry.ensure_streams()\n"
        "report.write(f'after={valid(1)},{valid(2)} ')\n"
        "print('print works'); sys.stderr.write('so does stderr')\n"
        "from companion.tutor.llama_engine import LlamaEngine\n"
        f"LlamaEngine({str(bundled_model_path())!r}, n_ctx=256).close()\n"
        "report.write('loaded'); report.flush()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout == "before=False,False after=True,True loaded"


@pytest.mark.skipif(os.name == "nt", reason="POSIX shell script")
def test_ci_script_refuses_to_run_without_pyinstaller(tmp_path: Path):
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\nexit 1\n")
    fake_python.chmod(0o755)
    out = subprocess.run(["bash", str(PACKAGING / "ci_build.sh")], capture_output=True,
                         text=True, env=dict(os.environ, PYTHON=str(fake_python)))
    assert out.returncode == 1
    assert "PyInstaller is missing" in out.stderr
