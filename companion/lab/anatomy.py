"""Experiment 3: what is inside a model file, and how much memory running it takes.

Everything comes from the GGUF itself (read with the ``gguf`` package, not by loading
the model): the shape of the network, the tensors and how each is stored. The memory
calculator uses exactly these numbers and shows the formula with them filled in:

    KV cache bytes per token = 2 (K and V) x layers x KV heads x head dim x bytes per value

For SmolLM2-135M: 2 x 30 x 3 x 64 x 2 = 23,040 bytes per token at f16. Grouped-query
attention (3 KV heads shared by 9 query heads) is why it is a third of 2 x 30 x 9 x 64 x 2.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from companion.lab import gguf_file
from companion.tutor.engine import ModelError

# bytes one cached K or V value takes, by the KV-cache type llama.cpp offers
KV_BYTES = {"f32": 4.0, "f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}


@dataclass(frozen=True)
class TensorGroup:
    type: str  # e.g. Q4_1
    tensors: int
    parameters: int
    bytes: int

    @property
    def bits_per_weight(self) -> float:
        return 8 * self.bytes / self.parameters if self.parameters else 0.0


@dataclass(frozen=True)
class Anatomy:
    model: str
    path: str
    architecture: str
    layers: int
    hidden_size: int
    heads: int
    kv_heads: int
    head_dim: int
    ffn_size: int
    vocab_size: int
    context_length: int
    parameters: int
    weight_bytes: int  # bytes of all tensors in the file
    groups: tuple[TensorGroup, ...]  # by storage type, most parameters first
    tied_embeddings: bool  # the output layer reuses the token embedding matrix

    @property
    def query_heads_per_kv_head(self) -> int:
        return self.heads // self.kv_heads if self.kv_heads else 0

    def kv_bytes_per_token(self, kv_type: str = "f16") -> float:
        return 2 * self.layers * self.kv_heads * self.head_dim * KV_BYTES[kv_type]

    def to_json(self) -> dict:
        data = asdict(self)
        data["groups"] = [dict(asdict(g), bits_per_weight=round(g.bits_per_weight, 3))
                          for g in self.groups]
        data["kv_bytes_per_token_f16"] = int(self.kv_bytes_per_token("f16"))
        data["gqa_ratio"] = self.query_heads_per_kv_head
        return data


def _field(reader, key: str, default=None):
    field = reader.fields.get(key)
    if field is None:
        return default
    value = field.contents()
    return value


def read(path: Path | str) -> Anatomy:
    """Read a GGUF's shape and tensor table (no weights are loaded)."""
    path = Path(path).expanduser()
    reader = gguf_file.reader(path)
    arch = _field(reader, "general.architecture", "")
    if not arch:
        raise ModelError(f"{path.name} does not say which architecture it is.")

    def key(name: str, default=0):
        return _field(reader, f"{arch}.{name}", default)

    layers = int(key("block_count"))
    hidden = int(key("embedding_length"))
    heads = int(key("attention.head_count"))
    kv_heads = int(key("attention.head_count_kv", heads) or heads)
    head_dim = int(key("attention.key_length", 0) or (hidden // heads if heads else 0))
    tokens = reader.fields.get("tokenizer.ggml.tokens")
    vocab = int(key("vocab_size", 0) or (len(tokens.data) if tokens is not None else 0))
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    names = set()
    for t in reader.tensors:
        g = groups[t.tensor_type.name]
        g[0] += 1
        g[1] += int(t.n_elements)
        g[2] += int(t.n_bytes)
        names.add(t.name)
    made = tuple(sorted((TensorGroup(k, *v) for k, v in groups.items()),
                        key=lambda g: -g.parameters))
    name = _field(reader, "general.name", "") or path.stem
    return Anatomy(
        model=path.stem, path=str(path), architecture=f"{arch} ({name})", layers=layers,
        hidden_size=hidden, heads=heads, kv_heads=kv_heads, head_dim=head_dim,
        ffn_size=int(key("feed_forward_length")), vocab_size=vocab,
        context_length=int(key("context_length")),
        parameters=sum(g.parameters for g in made), weight_bytes=sum(g.bytes for g in made),
        groups=made, tied_embeddings="output.weight" not in names)


@dataclass(frozen=True)
class Memory:
    """Weights + KV cache at one context length and KV precision, with the working."""

    context: int
    kv_type: str
    weight_bytes: int
    kv_bytes: float
    kv_per_token: float
    formula: str  # the KV formula with the model's numbers filled in

    @property
    def total_bytes(self) -> float:
        return self.weight_bytes + self.kv_bytes

    def to_json(self) -> dict:
        return {"context": self.context, "kv_type": self.kv_type,
                "weight_bytes": self.weight_bytes, "kv_bytes": round(self.kv_bytes),
                "kv_bytes_per_token": round(self.kv_per_token, 2),
                "total_bytes": round(self.total_bytes), "formula": self.formula}


def memory(a: Anatomy, context: int, kv_type: str = "f16") -> Memory:
    if kv_type not in KV_BYTES:
        raise ValueError(f"KV type must be one of {', '.join(KV_BYTES)}.")
    if context < 1:
        raise ValueError("The context length must be at least 1 token.")
    per_value = KV_BYTES[kv_type]
    per_token = a.kv_bytes_per_token(kv_type)
    kv = per_token * context
    value = f"{per_value:g}" if per_value == int(per_value) else f"{per_value:.4g}"
    formula = (f"KV cache = 2 (K and V) × {a.layers} layers × {a.kv_heads} KV heads × "
               f"{a.head_dim} head dim × {value} bytes ({kv_type}) = {per_token:,.0f} bytes "
               f"per token\n× {context:,} tokens = {human_bytes(kv)}\n"
               f"Weights (the file's tensors) = {human_bytes(a.weight_bytes)}\n"
               f"Total ≈ {human_bytes(a.weight_bytes + kv)} (plus llama.cpp's working "
               f"buffers, which grow with the batch size)")
    return Memory(context, kv_type, a.weight_bytes, kv, per_token, formula)


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"
