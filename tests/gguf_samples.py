"""Model files for tests: small real GGUFs written with the gguf package, and hostile ones.

Each hostile file is what a learner could really end up with: an empty file, a
download cut short, random bytes, a login/error page saved as ``.gguf``, a GGUF whose
tensor table points past the end, and a GGUF that is well formed for the ``gguf``
package but makes llama.cpp abort (a layer count it asserts on).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import gguf
import numpy as np

from companion.tutor.model_files import bundled_model_path


def tiny_gguf(path: Path, architecture: str = "llama", version_patch: int | None = None) -> Path:
    """A small but complete GGUF (metadata + two tensors), fast to parse."""
    writer = gguf.GGUFWriter(str(path), architecture)
    writer.add_name("Tiny test model")
    writer.add_context_length(256)
    writer.add_block_count(1)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tensor("token_embd.weight", np.ones((16, 8), dtype=np.float32))
    writer.add_tensor("output_norm.weight", np.ones((8,), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    if version_patch is not None:
        with open(path, "r+b") as handle:
            handle.seek(4)
            handle.write(int(version_patch).to_bytes(4, "little"))
    return path


def _patch(src: Path, dst: Path, change) -> Path:
    shutil.copyfile(src, dst)
    reader = gguf.GGUFReader(dst, "r+")  # the library's own view of the fields, writable
    change(reader)
    reader.data.flush()
    del reader
    return dst


def tensor_past_end(dst: Path) -> Path:
    """A GGUF whose last tensor claims to start 1 GB into a file of a few hundred bytes."""
    src = tiny_gguf(dst.with_name("tiny-source.gguf"))
    return _patch(src, dst, lambda r: r.tensors[-1].field.parts[5].__setitem__(0, 10**9))


def patch_uint32(dst: Path, key: str, value: int) -> Path:
    """A copy of the bundled model with one uint32 metadata value changed, by patching bytes.

    GGUF stores a key as <uint64 length><bytes>, then <uint32 type>, then the value;
    finding the length-prefixed key is exact and much faster than a full gguf parse.
    """
    data = bytearray(bundled_model_path().read_bytes())
    name = key.encode()
    at = data.find(len(name).to_bytes(8, "little") + name)
    assert at > 0, key
    kind = at + 8 + len(name)
    assert int.from_bytes(data[kind:kind + 4], "little") == gguf.GGUFValueType.UINT32, key
    data[kind + 4:kind + 8] = value.to_bytes(4, "little")
    dst.write_bytes(bytes(data))
    return dst


def layer_bomb(dst: Path) -> Path:
    """The bundled model claiming 1000 layers: fine for gguf, a GGML_ASSERT abort for llama.cpp."""
    return patch_uint32(dst, "llama.block_count", 1000)


def zero_bytes(dst: Path) -> Path:
    dst.write_bytes(b"")
    return dst


def truncated(dst: Path, keep: int = 200_000) -> Path:
    """The first ``keep`` bytes of the real bundled model: a download cut short."""
    with open(bundled_model_path(), "rb") as handle:
        dst.write_bytes(handle.read(keep))
    return dst


def random_bytes(dst: Path, size: int = 65536) -> Path:
    dst.write_bytes(os.urandom(size))
    return dst


def html_page(dst: Path) -> Path:
    dst.write_text("<!DOCTYPE html>\n<html><head><title>Sign in</title></head>"
                   "<body><h1>Please log in to download this file</h1></body></html>\n")
    return dst


HOSTILE = {
    "empty.gguf": (zero_bytes, "empty"),
    "cut-short.gguf": (truncated, "damaged"),
    "noise.gguf": (random_bytes, "not a GGUF"),
    "login-page.gguf": (html_page, "web page (HTML)"),
    "past-the-end.gguf": (tensor_past_end, "ends at byte"),
}
