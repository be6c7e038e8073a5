"""Experiment 4: quantise a real weight tensor yourself and see what it costs.

A tensor is read from the model file and dequantised to float32 with the ``gguf``
package; those values are the starting point. Each scheme maps them to 2**bits levels
and back, in plain numpy, and we measure the error and the memory:

- absmax (symmetric): one scale per tensor, scale = max|w| / (2**(bits-1) - 1).
- zero-point (asymmetric): one scale and one offset per tensor, covering [min, max].
- block-wise absmax / zero-point: the same per block of 32 weights, each block with its
  own fp16 scale (and offset), so one outlier only hurts its own block. This is the idea
  behind llama.cpp's Q8_0 / Q4_0 (absmax) and Q4_1 (zero-point) formats.

Bits per weight count the stored scales too (a 16-bit scale per 32 weights adds 0.5).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from companion.jobs import JobContext
from companion.lab import gguf_file
from companion.tutor.engine import ModelError

BLOCK = 32
BITS = (8, 4, 2)
SCHEMES = ("absmax", "zero-point", "block absmax", "block zero-point")
# the token embeddings are stored at 8.5 bits (Q8_0) in the bundled model: close to the
# original weights, so 4 and 2 bits show their real cost (a Q4_1 tensor is already 4-bit)
DEFAULT_TENSOR = "token_embd.weight"
FALLBACK_TENSOR = "blk.0.ffn_down.weight"
MAX_WEIGHTS = 1 << 20  # rows beyond ~1M weights are left out, to stay interactive


@dataclass(frozen=True)
class TensorInfo:
    name: str
    type: str
    shape: tuple[int, ...]
    parameters: int
    bytes: int

    @property
    def bits_per_weight(self) -> float:
        return 8 * self.bytes / self.parameters if self.parameters else 0.0


def tensors(path: Path | str) -> list[TensorInfo]:
    """The 2-D weight matrices of a GGUF (the ones worth quantising), in file order."""
    reader = gguf_file.reader(path)
    return [TensorInfo(t.name, t.tensor_type.name, tuple(int(d) for d in t.shape),
                       int(t.n_elements), int(t.n_bytes))
            for t in reader.tensors if len(t.shape) == 2]


def load_tensor(path: Path | str, name: str, max_weights: int = MAX_WEIGHTS
                ) -> tuple[TensorInfo, np.ndarray]:
    """A tensor's values as float32 (its first rows when it is very large)."""
    from gguf import quants

    reader = gguf_file.reader(path)
    found = next((t for t in reader.tensors if t.name == name), None)
    if found is None:
        raise ValueError(f"There is no tensor called {name!r} in {Path(path).name}.")
    info = TensorInfo(found.name, found.tensor_type.name, tuple(int(d) for d in found.shape),
                      int(found.n_elements), int(found.n_bytes))
    data = found.data
    row = int(found.shape[0])
    rows = max(1, min(len(data), max_weights // max(1, row))) if data.ndim > 1 else len(data)
    try:
        values = quants.dequantize(np.asarray(data[:rows]), found.tensor_type)
    except NotImplementedError as exc:
        raise ModelError(f"The gguf package cannot read {info.type} tensors yet.") from exc
    return info, np.asarray(values, dtype=np.float32).reshape(-1)


def _absmax(w: np.ndarray, bits: int) -> np.ndarray:
    top = 2 ** (bits - 1) - 1  # symmetric: 0 is exact, +/- top levels
    scale = np.abs(w).max(axis=-1, keepdims=True) / top
    scale = np.where(scale == 0, 1.0, scale).astype(np.float16).astype(np.float32)
    return np.clip(np.round(w / scale), -top, top) * scale


def _zero_point(w: np.ndarray, bits: int) -> np.ndarray:
    levels = 2 ** bits - 1
    low, high = w.min(axis=-1, keepdims=True), w.max(axis=-1, keepdims=True)
    scale = (high - low) / levels
    scale = np.where(scale == 0, 1.0, scale).astype(np.float16).astype(np.float32)
    low = low.astype(np.float16).astype(np.float32)
    return np.clip(np.round((w - low) / scale), 0, levels) * scale + low


def quantize(w: np.ndarray, scheme: str, bits: int) -> tuple[np.ndarray, float]:
    """(values after quantising and dequantising, bits stored per weight)."""
    flat = np.asarray(w, dtype=np.float32).reshape(-1)
    if scheme.startswith("block"):
        pad = (-len(flat)) % BLOCK
        blocks = np.pad(flat, (0, pad)).reshape(-1, BLOCK)
        fn = _absmax if scheme == "block absmax" else _zero_point
        back = fn(blocks, bits).reshape(-1)[:len(flat)]
        overhead = (16 if scheme == "block absmax" else 32) / BLOCK
        return back, bits + overhead
    fn = _absmax if scheme == "absmax" else _zero_point
    return fn(flat[None, :], bits)[0], float(bits)


@dataclass(frozen=True)
class Outcome:
    scheme: str
    bits: int
    bits_per_weight: float
    rmse: float
    max_error: float
    relative_error: float  # rmse / standard deviation of the weights
    megabytes: float  # for the whole tensor at this many bits per weight
    errors: np.ndarray  # a sample of (quantised - original), for the histogram

    def to_json(self) -> dict:
        return {"scheme": self.scheme, "bits": self.bits,
                "bits_per_weight": round(self.bits_per_weight, 3), "rmse": float(self.rmse),
                "max_error": float(self.max_error),
                "relative_error": round(float(self.relative_error), 5),
                "megabytes": round(self.megabytes, 4)}


@dataclass(frozen=True)
class QuantizationResult:
    model: str
    tensor: TensorInfo
    weights: int  # how many weights were used
    std: float
    outcomes: tuple[Outcome, ...]
    file_format: Outcome | None  # the file's own format applied to these values again

    def to_json(self) -> dict:
        t = self.tensor
        return {"model": self.model, "tensor": t.name, "file_type": t.type,
                "shape": list(t.shape), "parameters": t.parameters,
                "file_bits_per_weight": round(t.bits_per_weight, 3),
                "file_megabytes": round(t.bytes / 1e6, 4), "weights_used": self.weights,
                "f32_megabytes": round(t.parameters * 4 / 1e6, 4),
                "outcomes": [o.to_json() for o in self.outcomes],
                "file_format": self.file_format.to_json() if self.file_format else None}


def _outcome(w: np.ndarray, back: np.ndarray, scheme: str, bits: int, bpw: float,
             parameters: int, std: float) -> Outcome:
    err = back - w
    rmse = float(np.sqrt(np.mean(err.astype(np.float64) ** 2)))
    sample = err[:: max(1, len(err) // 50_000)]
    return Outcome(scheme, bits, bpw, rmse, float(np.abs(err).max()),
                   rmse / std if std else 0.0, parameters * bpw / 8 / 1e6, sample)


def _file_format(w: np.ndarray, info: TensorInfo, std: float) -> Outcome | None:
    """The file's own quantisation (via the gguf package) applied to the same values."""
    import gguf
    from gguf import quants

    kind = getattr(gguf.GGMLQuantizationType, info.type, None)
    block = gguf.GGML_QUANT_SIZES.get(kind) if kind is not None else None
    if block is None or len(w) % block[0]:
        return None
    try:
        back = quants.dequantize(quants.quantize(w.reshape(-1, block[0]), kind), kind)
    except (NotImplementedError, ValueError):
        return None
    bpw = 8 * block[1] / block[0]
    return _outcome(w, back.reshape(-1), f"file's {info.type}", 0, bpw, info.parameters, std)


def compare_schemes(path: Path | str, name: str = DEFAULT_TENSOR, ctx: JobContext | None = None,
          max_weights: int = MAX_WEIGHTS) -> QuantizationResult:
    """Quantise one tensor with every scheme at 8, 4 and 2 bits."""
    ctx = ctx or JobContext()
    ctx.status(f"Reading {name}…")
    info, w = load_tensor(path, name, max_weights)
    std = float(w.std())
    outcomes = []
    total = len(SCHEMES) * len(BITS) + 1
    for i, (scheme, bits) in enumerate((s, b) for s in SCHEMES for b in BITS):
        ctx.check()
        ctx.progress(i, total)
        back, bpw = quantize(w, scheme, bits)
        outcomes.append(_outcome(w, back, scheme, bits, bpw, info.parameters, std))
    ctx.check()
    own = _file_format(w, info, std)
    ctx.progress(total, total)
    return QuantizationResult(Path(path).stem, info, len(w), std, tuple(outcomes), own)
