"""The curated model catalog: the shipped file is complete and valid, mistakes are caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.tutor import catalog
from companion.tutor.catalog import CatalogError, load_catalog
from companion.tutor.model_files import bundled_model_path, sha256_of

GOOD = """schema = 1
[[model]]
id = "tiny"
name = "Tiny"
repo = "someone/tiny-GGUF"
file = "tiny.gguf"
revision = "0123456789abcdef0123456789abcdef01234567"
size = 1234
quantization = "Q4_K_M"
license = "MIT"
min_ram_gb = 1
purpose = "chat"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    return path


def test_shipped_catalog_has_the_models_the_issue_asks_for():
    entries = {e.id: e for e in load_catalog()}
    assert {"smollm2-135m-instruct", "qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct",
            "llama-3.2-3b-instruct", "qwen2.5-coder-1.5b-instruct"} <= set(entries)
    assert [e.id for e in entries.values() if e.purpose == "code"]
    for entry in entries.values():
        assert len(entry.revision) == 40 and entry.sha256 and entry.size > 10_000_000
        assert entry.file.endswith(".gguf") and "/" in entry.repo and entry.min_ram_gb > 0
    for big in ("qwen2.5-0.5b-instruct", "qwen2.5-1.5b-instruct", "llama-3.2-3b-instruct",
                "qwen2.5-coder-1.5b-instruct"):
        assert entries[big].quantization == "Q4_K_M"


def test_bundled_entry_describes_the_real_bundled_file():
    entry = catalog.find("smollm2-135m-instruct")
    bundled = bundled_model_path()
    assert entry is not None and entry.bundled and bundled is not None
    assert entry.file == bundled.name and entry.size == bundled.stat().st_size
    assert entry.sha256 == sha256_of(bundled)
    assert entry.installed_path() == bundled  # nothing downloaded yet: the shipped copy


@pytest.mark.parametrize("change, complaint", [
    (('size = 1234', 'size = -5'), "'size' must be a positive whole number"),
    (('size = 1234', 'size = "big"'), "'size' must be a positive whole number"),
    (('purpose = "chat"', 'purpose = "poetry"'), "'purpose' must be one of chat, code"),
    (('file = "tiny.gguf"', 'file = "../evil.gguf"'), "'file' must be a plain file name"),
    (('file = "tiny.gguf"', 'file = "tiny.bin"'), "'file' must be a plain file name"),
    (('repo = "someone/tiny-GGUF"', 'repo = "no-slash"'), "'repo' has an invalid value"),
    (('revision = "0123456789abcdef0123456789abcdef01234567"', 'revision = "v1"'),
     "'revision' must be a 40-hex commit"),
    (('license = "MIT"\n', ''), "'license' must be a non-empty string"),
    (('id = "tiny"', 'id = "Tiny Model!"'), "'id' has an invalid value"),
])
def test_a_mistake_in_the_catalog_is_named_in_one_line(tmp_path, change, complaint):
    path = write(tmp_path, GOOD.replace(*change) + 'sha256 = "' + "a" * 64 + '"\n')
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    message = str(caught.value)
    assert complaint in message and "model #1" in message and "\n" not in message


def test_duplicate_ids_bad_sha_and_broken_toml_are_refused(tmp_path):
    with pytest.raises(CatalogError, match="duplicate id 'tiny'"):
        load_catalog(write(tmp_path, GOOD + GOOD.split("\n", 1)[1]))
    with pytest.raises(CatalogError, match="'sha256' must be 64 lowercase hex"):
        load_catalog(write(tmp_path, GOOD + 'sha256 = "XYZ"\n'))
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(write(tmp_path, GOOD + "this is = = not toml"))
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(tmp_path / "nope.toml")
    assert [e.id for e in load_catalog(write(tmp_path, GOOD))] == ["tiny"]


def test_fit_hint_against_free_memory():
    entry = catalog.find("qwen2.5-1.5b-instruct")
    need = entry.min_ram_gb * catalog.GIB
    assert catalog.fit(entry, int(need * 2)) == "fits"
    assert catalog.fit(entry, int(need * 1.1)) == "tight"
    assert catalog.fit(entry, int(need * 0.5)) == "too big"
    assert catalog.fit(entry, None) == "unknown"
    free = catalog.available_ram()
    assert free is not None and 0 < free < 1 << 50  # this machine does report it


def test_the_suggestion_is_the_biggest_chat_model_that_fits_comfortably():
    entries = load_catalog()
    gib = catalog.GIB
    assert catalog.suggest(entries, None) is None
    assert catalog.suggest(entries, int(0.5 * gib)) is None  # only the built-in one fits
    small = catalog.suggest(entries, int(1.3 * gib))
    assert small.entry.id == "qwen2.5-0.5b-instruct" and not small.installed
    assert catalog.suggest(entries, int(2.6 * gib)).entry.id == "qwen2.5-1.5b-instruct"
    big = catalog.suggest(entries, 16 * gib)
    assert big.entry.purpose == "chat" and not big.entry.bundled
    assert big.entry.min_ram_gb == max(e.min_ram_gb for e in entries if e.purpose == "chat")
    assert big.download_estimate(10_000_000) == \
        f"about {round(big.entry.size / 10_000_000 / 60)} min at 10.0 MB/s"
    assert small.download_estimate(10_000_000) == "about 50 s at 10.0 MB/s"
