"""A character-level language model you can read in one sitting, in numpy only.

Two models, both trained with explicit forward and backward passes (no autograd):

1. Bigram: a table of scores, one row per character, saying which character tends to
   come next. It only ever sees one character of context.
2. MLP (after Bengio et al., 2003): the last ``context`` characters are looked up in an
   embedding table, concatenated, passed through a tanh hidden layer and a linear
   layer that scores every character of the vocabulary as the next one.

Training minimises cross-entropy (the average surprise, in nats, of the true next
character) with Adam. This file imports nothing but numpy and runs on its own:
``python tiny_model.py`` trains on a short built-in text and prints the loss falling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Config:
    kind: str = "mlp"  # "bigram" or "mlp"
    context: int = 12  # characters the MLP sees (the bigram always sees 1)
    embed: int = 24  # size of each character's embedding vector
    hidden: int = 256  # units in the hidden layer
    batch: int = 128  # examples per training step
    steps: int = 6000
    learning_rate: float = 3e-3
    sample_every: int = 500  # steps between text samples
    seed: int = 1337


def vocabulary(text: str) -> list[str]:
    return sorted(set(text))


class CharModel:
    """Parameters plus the forward and backward passes of either model."""

    def __init__(self, chars: list[str], cfg: Config) -> None:
        self.chars, self.cfg = chars, cfg
        self.index = {c: i for i, c in enumerate(chars)}
        v = len(chars)
        rng = np.random.default_rng(cfg.seed)
        if cfg.kind == "bigram":
            self.params = {"table": np.zeros((v, v))}
        else:
            n_in = cfg.context * cfg.embed
            self.params = {
                "embed": rng.normal(0, 1, (v, cfg.embed)),
                "w1": rng.normal(0, 1, (n_in, cfg.hidden)) * (5 / 3) / np.sqrt(n_in),
                "b1": np.zeros(cfg.hidden),
                "w2": rng.normal(0, 1, (cfg.hidden, v)) * 0.01,  # start near uniform
                "b2": np.zeros(v),
            }

    @property
    def context(self) -> int:
        return 1 if self.cfg.kind == "bigram" else self.cfg.context

    @property
    def size(self) -> int:
        return sum(p.size for p in self.params.values())

    def encode(self, text: str) -> np.ndarray:
        return np.array([self.index[c] for c in text], dtype=np.int64)

    # ----- forward: inputs (batch, context) -> scores (batch, vocab) --------------------
    def forward(self, x: np.ndarray) -> tuple[np.ndarray, dict]:
        p = self.params
        if self.cfg.kind == "bigram":
            return p["table"][x[:, -1]], {"x": x}
        emb = p["embed"][x]  # (B, T, E): look up each character
        flat = emb.reshape(len(x), -1)  # (B, T*E): concatenate them
        h = np.tanh(flat @ p["w1"] + p["b1"])  # (B, H)
        logits = h @ p["w2"] + p["b2"]  # (B, V)
        return logits, {"x": x, "flat": flat, "h": h}

    def loss(self, x: np.ndarray, y: np.ndarray) -> tuple[float, dict, np.ndarray]:
        """Cross-entropy of the true next characters ``y``; also what backward needs."""
        logits, cache = self.forward(x)
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(len(y)), y] + 1e-12).mean()
        return float(loss), cache, probs

    # ----- backward: the chain rule, layer by layer, in reverse --------------------------
    def backward(self, y: np.ndarray, cache: dict, probs: np.ndarray) -> dict[str, np.ndarray]:
        p, n = self.params, len(y)
        dlogits = probs.copy()
        dlogits[np.arange(n), y] -= 1  # d(loss)/d(logits) = softmax - one-hot
        dlogits /= n
        if self.cfg.kind == "bigram":
            dtable = np.zeros_like(p["table"])
            np.add.at(dtable, cache["x"][:, -1], dlogits)
            return {"table": dtable}
        h, flat = cache["h"], cache["flat"]
        grads = {"w2": h.T @ dlogits, "b2": dlogits.sum(axis=0)}
        dh = dlogits @ p["w2"].T
        dpre = dh * (1 - h ** 2)  # tanh'(z) = 1 - tanh(z)^2
        grads["w1"] = flat.T @ dpre
        grads["b1"] = dpre.sum(axis=0)
        demb = (dpre @ p["w1"].T).reshape(*cache["x"].shape, self.cfg.embed)
        grads["embed"] = np.zeros_like(p["embed"])
        np.add.at(grads["embed"], cache["x"], demb)  # a character used twice adds twice
        return grads

    def sample(self, rng: np.random.Generator, length: int = 200, start: str = "",
               temperature: float = 0.8) -> str:
        """Generate text one character at a time, each drawn from the model's guess."""
        ids = [self.index.get(c, 0) for c in start][-self.context:]
        ids = [self.index.get(" ", 0)] * (self.context - len(ids)) + ids
        out = []
        for _ in range(length):
            logits, _ = self.forward(np.array([ids[-self.context:]]))
            z = logits[0] / max(temperature, 1e-6)
            probs = np.exp(z - z.max())
            nxt = int(rng.choice(len(probs), p=probs / probs.sum()))
            ids.append(nxt)
            out.append(self.chars[nxt])
        return start + "".join(out)


class Adam:
    """Per-parameter step sizes from running averages of the gradient and its square."""

    def __init__(self, params: dict[str, np.ndarray], lr: float) -> None:
        self.lr, self.t = lr, 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
             lr: float) -> None:
        self.t += 1
        for k, g in grads.items():
            self.m[k] = 0.9 * self.m[k] + 0.1 * g
            self.v[k] = 0.999 * self.v[k] + 0.001 * g * g
            m_hat = self.m[k] / (1 - 0.9 ** self.t)
            v_hat = self.v[k] / (1 - 0.999 ** self.t)
            params[k] -= lr * m_hat / (np.sqrt(v_hat) + 1e-8)


@dataclass
class History:
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    samples: list[tuple[int, str]] = field(default_factory=list)


def examples(data: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window of ``context`` characters, paired with the character that follows."""
    idx = np.arange(context)[None, :] + np.arange(len(data) - context)[:, None]
    return data[idx], data[context:]


def train(text: str, cfg: Config, on_step=None) -> tuple[CharModel, History]:
    """Train on ``text``; ``on_step(step, history, model)`` may return False to stop early."""
    chars = vocabulary(text)
    model = CharModel(chars, cfg)
    data = model.encode(text)
    split = int(len(data) * 0.9)
    x_train, y_train = examples(data[:split], model.context)
    x_val, y_val = examples(data[split:], model.context)
    if len(y_train) < cfg.batch or len(y_val) < 1:
        raise ValueError(f"The text is too short to train on ({len(text)} characters; "
                         f"give at least {cfg.batch + model.context + 20}).")
    rng = np.random.default_rng(cfg.seed)
    opt, history = Adam(model.params, cfg.learning_rate), History()
    for step in range(1, cfg.steps + 1):
        batch = rng.integers(0, len(y_train), cfg.batch)
        loss, cache, probs = model.loss(x_train[batch], y_train[batch])
        grads = model.backward(y_train[batch], cache, probs)
        lr = cfg.learning_rate * (0.1 if step > 0.8 * cfg.steps else 1.0)  # decay at the end
        opt.step(model.params, grads, lr)
        history.steps.append(step)
        history.train_loss.append(loss)
        if step % cfg.sample_every == 0 or step == cfg.steps:
            pick = rng.integers(0, len(y_val), min(len(y_val), 2048))
            history.val_steps.append(step)
            history.val_loss.append(model.loss(x_val[pick], y_val[pick])[0])
            history.samples.append((step, model.sample(rng, 160)))
        if on_step is not None and on_step(step, history, model) is False:
            break
    return model, history


if __name__ == "__main__":
    TEXT = ("A language model predicts the next token from the tokens before it. "
            "Attention lets each token look at the tokens before it. ") * 40
    cfg = Config(steps=600, sample_every=200, hidden=64, context=8)
    trained, hist = train(TEXT, cfg)
    print(f"{trained.size} parameters, vocabulary of {len(trained.chars)} characters")
    for s, v in zip(hist.val_steps, hist.val_loss, strict=True):
        print(f"step {s:4d}  validation loss {v:.3f}")
    print("loss fell:", hist.val_loss[-1] < hist.train_loss[0])
