"""`companion lab ...` and `companion run`: the Lab's experiments from a terminal.

Each experiment prints a short human-readable view, or the full record with
``--json``. Model experiments use the tutor's chosen model (or ``--model PATH``)
and say which model they used.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from companion.cli.errors import UserError


def _model_path(model: str | None) -> Path:
    """``--model`` if given, else the model the tutor uses (chosen, or the bundled one)."""
    from companion.tutor.engine import ModelError

    if model:
        path = Path(model).expanduser()
        if not path.is_file():
            raise ModelError(f"Model file not found: {model}")
        return path
    from companion.cli.study import open_study

    study = open_study()
    try:
        return study.models.resolve()
    finally:
        study.close()


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_tokenize(args: argparse.Namespace) -> int:
    from companion.lab import tokenizer
    from companion.lab.model_access import open_model

    text = " ".join(args.text) if args.text != ["-"] else sys.stdin.read()
    if not text:
        raise UserError('Give some text, e.g. companion lab tokenize "Hello world"')
    model = open_model(_model_path(args.model), vocab_only=True)
    if args.compare:
        other = open_model(_model_path(args.compare), vocab_only=True)
        result = tokenizer.compare(model, other, text)
        if args.json:
            _print_json(result.to_json())
            return 0
        for side in (result.left, result.right):
            _print_tokens(side)
        print(result.summary())
        return 0
    result = tokenizer.tokenize(model, text)
    if args.json:
        _print_json(result.to_json())
    else:
        _print_tokens(result)
    return 0


def _print_tokens(t) -> None:
    print(f"[{t.model}] {t.count} tokens, {t.characters} characters, "
          f"{t.chars_per_token:.2f} characters per token")
    print("  ".join(f"{tok.shown}·{tok.id}" for tok in t.tokens))


def _settings(args: argparse.Namespace):
    from companion.lab.sampling import Settings

    return Settings(temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                    min_p=args.min_p)


def cmd_next_token(args: argparse.Namespace) -> int:
    from companion.lab import next_token
    from companion.lab.model_access import open_model

    prompt = " ".join(args.prompt)
    if not prompt.strip():
        raise UserError('Give a prompt, e.g. companion lab next-token "The capital of France is"')
    settings = _settings(args)
    model = open_model(_model_path(args.model))
    result = next_token.next_token(model, prompt)
    data = result.to_json(settings, args.show)
    if args.surprise:
        data["surprise"] = next_token.surprise(model, prompt).to_json()
    if args.json:
        _print_json(data)
        return 0
    survive = "1 token survives" if data["survivors"] == 1 else \
        f"{data['survivors']} tokens survive"
    print(f"[{data['model']}] after {data['prompt_tokens']} prompt tokens; {survive} the "
          "filters; "
          f"entropy {data['entropy_bits']:.2f} bits")
    for c in data["top"]:
        bar = "#" * round(40 * c["probability"])
        mark = "" if c["survives"] else "  (filtered out)"
        print(f"  {c['probability']:7.2%}  {c['token']!r:>16} {bar}{mark}")
    if args.surprise:
        s = data["surprise"]
        print(f"Perplexity of the prompt: {s['perplexity']:.1f} "
              f"(mean surprise {s['mean_surprise_bits']:.2f} bits per token)")
    return 0


def cmd_anatomy(args: argparse.Namespace) -> int:
    from companion.lab import anatomy

    a = anatomy.read(_model_path(args.model))
    mem = anatomy.memory(a, a.context_length if args.context is None else args.context,
                         args.kv_type)
    if args.json:
        _print_json(dict(a.to_json(), memory=mem.to_json()))
        return 0
    print(f"{a.model}: {a.architecture}")
    print(f"  layers {a.layers}, hidden size {a.hidden_size}, FFN size {a.ffn_size}")
    print(f"  attention heads {a.heads}, KV heads {a.kv_heads} "
          f"({a.query_heads_per_kv_head} query heads share each), head dim {a.head_dim}")
    print(f"  vocabulary {a.vocab_size:,}, context length {a.context_length:,}, "
          f"parameters {a.parameters:,}")
    for g in a.groups:
        print(f"  {g.type:>6}: {g.tensors} tensor{'s' if g.tensors != 1 else ''}, "
              f"{g.parameters:,} weights, "
              f"{g.bits_per_weight:.2f} bits per weight")
    print(mem.formula)
    return 0


def cmd_quantize(args: argparse.Namespace) -> int:
    from companion.lab import quantization

    result = quantization.compare_schemes(_model_path(args.model), args.tensor)
    if args.json:
        _print_json(result.to_json())
        return 0
    t = result.tensor
    print(f"{result.model}: {t.name} {list(t.shape)}, stored as {t.type} "
          f"({t.bits_per_weight:.2f} bits per weight); {result.weights:,} weights used")
    for o in result.outcomes + ((result.file_format,) if result.file_format else ()):
        print(f"  {o.scheme:>18} {o.bits or '':>2} bits: {o.bits_per_weight:5.2f} bits/weight, "
              f"error {o.relative_error:7.2%} of the weights' spread, {o.megabytes:8.3f} MB")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from companion.jobs import JobContext
    from companion.lab import training
    from companion.lab.tiny_model import Config

    if args.source == "notes":
        from companion.cli.study import open_study

        study = open_study()
        text = training.notes_text([n.body for n in study.notes.all()])
        study.close()
        source = "your notes"
    else:
        from companion.curriculum import course

        text, source = training.course_text(course()), "the course text"
    if args.steps < 1:
        raise UserError("--steps must be at least 1.")
    cfg = Config(kind=args.kind, steps=args.steps, sample_every=max(1, args.sample_every))
    shown = set()

    def report(update: object) -> None:
        if args.json or not isinstance(update, training.TrainingUpdate):
            return
        for step, text_ in update.samples:
            if step not in shown:
                shown.add(step)
                loss = update.val_loss[update.val_steps.index(step)]
                print(f"step {step:5d}  validation loss {loss:.3f}\n  {text_[:120]!r}",
                      flush=True)

    result = training.run(text, source, cfg, JobContext(report=report))
    if args.json:
        _print_json(result.to_json())
    else:
        kind = "an MLP" if cfg.kind == "mlp" else "a bigram"
        print(f"Trained {kind} model ({result.parameters:,} parameters) on {source}: "
              f"loss {result.first_loss:.2f} -> {result.final_val_loss:.2f} (validation)")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from companion.curriculum import course
    from companion.lab import run_code

    try:
        day = course().day(args.day)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from exc
    try:
        result = run_code.run_block(day, args.block, args.timeout)
    except ValueError as exc:
        runnable = ", ".join(map(str, run_code.runnable_blocks(day))) or "none"
        raise UserError(f"{exc} Python blocks that run on day {day.number}: {runnable}.") \
            from exc
    sys.stdout.write(result.stdout)
    if result.stderr:
        sys.stderr.write(result.stderr)
    for fig in result.figures:
        print(f"[figure saved: {fig}]", file=sys.stderr)
    return 0 if result.ok else 1


def cmd_run_file(args: argparse.Namespace) -> int:
    """The packaged app's stand-in for ``python lesson.py`` (see ``run_code._command``)."""
    import runpy
    import traceback

    sys.argv = [args.file]
    try:
        runpy.run_path(args.file, run_name="__main__")
    except SystemExit:
        raise
    except BaseException:
        # a full traceback, like Python's own: the learner needs the line, not one line
        traceback.print_exc()
        return 1
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    lab = sub.add_parser("lab", help="experiments with the real model (tokens, probabilities…)")
    labs = lab.add_subparsers(dest="experiment", metavar="EXPERIMENT", required=True)

    p = labs.add_parser("tokenize", help="show the tokens a model reads for some text")
    p.add_argument("text", nargs="+", help="the text (or - to read standard input)")
    p.add_argument("--model", help="a .gguf file (default: the tutor's model)")
    p.add_argument("--compare", metavar="PATH", help="a second .gguf to compare tokenizers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tokenize)

    p = labs.add_parser("next-token", help="the model's next-token probabilities")
    p.add_argument("prompt", nargs="+")
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--top-k", type=int, default=40, help="0 turns it off")
    p.add_argument("--top-p", type=float, default=0.95, help="1 turns it off")
    p.add_argument("--min-p", type=float, default=0.05, help="0 turns it off")
    p.add_argument("--show", type=int, default=10, help="how many candidates to list")
    p.add_argument("--surprise", action="store_true", help="also the prompt's perplexity")
    p.add_argument("--model", help="a .gguf file (default: the tutor's model)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_next_token)

    p = labs.add_parser("anatomy", help="layers, heads, tensors and memory of a model file")
    p.add_argument("--model", help="a .gguf file (default: the tutor's model)")
    p.add_argument("--context", type=int, help="tokens of context for the memory estimate")
    p.add_argument("--kv-type", default="f16", choices=["f32", "f16", "bf16", "q8_0", "q4_0"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_anatomy)

    p = labs.add_parser("quantize", help="quantise a weight tensor to 8, 4 and 2 bits")
    p.add_argument("--tensor", default="token_embd.weight",
                   help="a 2-D tensor of the model file (its first ~1M weights are used)")
    p.add_argument("--model", help="a .gguf file (default: the tutor's model)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_quantize)

    p = labs.add_parser("train", help="train a tiny character-level language model")
    p.add_argument("--source", choices=["course", "notes"], default="course")
    p.add_argument("--kind", choices=["bigram", "mlp"], default="mlp")
    p.add_argument("--steps", type=int, default=6000)
    p.add_argument("--sample-every", type=int, default=500)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("run", help="run a lesson's code block and print its output")
    p.add_argument("--day", type=int, required=True)
    p.add_argument("--block", type=int, required=True,
                   help="the block's number in the day's lesson (1, 2, … in reading order)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before it is stopped")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("run-file")  # hidden: the packaged app's way to run lesson code
    p.add_argument("file")
    p.set_defaults(func=cmd_run_file)
