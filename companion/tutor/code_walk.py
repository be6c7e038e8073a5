"""A structural walk-through of pasted Python, built with ``ast`` (no model involved).

It lists what is certain from the code itself: imports, functions and their
arguments, loops, and calls to NumPy and the standard library with what each does,
plus array shapes where literal sizes make them plain. The operations it finds are
also the words used to find the course sections that explain them (``np.exp``
divided by a sum -> the softmax section).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# what a call does, in a learner's words; the third item is words for finding sections
KNOWN_CALLS: dict[str, tuple[str, str]] = {
    "exp": ("e to the power of each element", "exp softmax"),
    "log": ("natural logarithm of each element", "log probability cross-entropy"),
    "sum": ("adds elements up (along an axis if given)", "sum"),
    "max": ("the largest element (along an axis if given)", "max"),
    "mean": ("the average (along an axis if given)", "mean average"),
    "sqrt": ("square root of each element", "sqrt scaling"),
    "dot": ("dot product / matrix multiplication", "dot product matrix multiplication"),
    "matmul": ("matrix multiplication", "matrix multiplication"),
    "zeros": ("a new array filled with zeros", "array"),
    "ones": ("a new array filled with ones", "array"),
    "tril": ("keeps the lower triangle (a causal mask)", "causal mask"),
    "triu": ("keeps the upper triangle", "causal mask"),
    "where": ("picks from two arrays by a condition (e.g. masking)", "mask"),
    "argmax": ("the index of the largest element (greedy choice)", "argmax greedy decoding"),
    "argsort": ("indices that would sort the array", "sort"),
    "normal": ("random numbers from a normal distribution", "random initialisation"),
    "default_rng": ("a seeded random generator (reproducible numbers)", "seed reproducibility"),
    "seed": ("fixes the random seed (reproducible runs)", "seed reproducibility"),
    "choice": ("draws a random choice (sampling)", "sampling"),
    "linalg.norm": ("the length (norm) of a vector", "norm cosine similarity"),
    "norm": ("the length (norm) of a vector", "norm cosine similarity"),
    "reshape": ("the same numbers in a new shape", "reshape heads"),
    "swapaxes": ("swaps two axes (a transpose)", "transpose"),
    "transpose": ("transpose", "transpose"),
    "concatenate": ("joins arrays along an axis", "concatenate heads"),
    "softmax": ("turns scores into probabilities that sum to 1", "softmax probability"),
    "tanh": ("hyperbolic tangent of each element", "activation"),
    "round": ("rounds each element", ""),
    "print": ("prints to the screen", ""),
    "len": ("number of items", ""),
    "range": ("the numbers 0, 1, ... n-1", ""),
    "enumerate": ("pairs each item with its position", ""),
    "zip": ("walks several sequences side by side", ""),
    "sorted": ("a sorted copy", "sort"),
    "Counter": ("counts how often each item occurs", "count frequency"),
    "most_common": ("the most frequent items first", "count frequency merge"),
    "split": ("splits a string into pieces", "tokenize split"),
    "join": ("glues strings together", ""),
    "append": ("adds an item to the end of a list", ""),
    "items": ("key/value pairs of a dictionary", ""),
    "get": ("a dictionary value with a default", ""),
}


@dataclass
class Walkthrough:
    lines: list[str] = field(default_factory=list)  # Markdown bullet lines
    search_words: list[str] = field(default_factory=list)  # for finding course sections
    parsed: bool = True

    def markdown(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return _name(node.func)
    return ""


def _shape(node: ast.AST) -> str:
    """A literal shape such as ``(4, 8)`` from ``size=(4, 8)`` or ``zeros((4, 8))``."""
    if isinstance(node, ast.Tuple) and node.elts:
        return "(" + ", ".join(ast.unparse(e) for e in node.elts) + ")"
    return ""


def walk(code: str) -> Walkthrough:
    out = Walkthrough()
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        out.parsed = False
        out.lines.append(f"This is not Python the walk-through can read (line {exc.lineno}: "
                         f"{exc.msg}); only the model's explanation follows.")
        return out
    imports = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports += [a.name + (f" as {a.asname}" if a.asname else "") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            imports += [f"{a.name} from {node.module}" for a in node.names]
    if imports:
        out.lines.append("Imports " + ", ".join(f"`{i}`" for i in imports) + ".")
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            args = ", ".join(a.arg for a in node.args.args)
            doc = ast.get_docstring(node)
            line = f"Line {node.lineno}: defines `{node.name}({args})`"
            if doc:
                line += f": “{doc.splitlines()[0]}”"
            returns = [n for n in ast.walk(node) if isinstance(n, ast.Return) and n.value]
            if returns:
                line += f"; returns `{ast.unparse(returns[-1].value)[:80]}`"
            out.lines.append(line + ".")
            out.search_words.append(node.name.replace("_", " "))
        elif isinstance(node, ast.ClassDef):
            out.lines.append(f"Line {node.lineno}: defines the class `{node.name}`.")
        elif isinstance(node, (ast.For, ast.While)):
            head = (f"for `{ast.unparse(node.target)}` in `{ast.unparse(node.iter)[:60]}`"
                    if isinstance(node, ast.For) else f"while `{ast.unparse(node.test)[:60]}`")
            out.lines.append(f"Line {node.lineno}: a loop, {head}.")
    seen: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        full = _name(node.func)
        short = full.split(".")[-1]
        key = "linalg.norm" if full.endswith("linalg.norm") else short
        if key not in KNOWN_CALLS or full in seen:
            continue
        seen.add(full)
        what, words = KNOWN_CALLS[key]
        line = f"Line {node.lineno}: `{full}(…)`: {what}"
        for kw in node.keywords:
            if kw.arg == "size" and _shape(kw.value):
                line += f"; shape {_shape(kw.value)}"
        if key in ("zeros", "ones") and node.args and _shape(node.args[0]):
            line += f"; shape {_shape(node.args[0])}"
        out.lines.append(line + ".")
        if words:
            out.search_words.append(words)
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            out.lines.append(f"Line {node.lineno}: `@` is matrix multiplication "
                             f"(`{ast.unparse(node)[:60]}`).")
            out.search_words.append("matrix multiplication dot product")
            break
    calls = {_name(n.func).split(".")[-1] for n in ast.walk(tree) if isinstance(n, ast.Call)}
    divides = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div) for n in ast.walk(tree))
    if "exp" in calls and "sum" in calls and divides:
        out.lines.append("`exp` divided by a `sum` of the same values is a softmax: positive "
                         "numbers that sum to 1.")
        out.search_words.insert(0, "softmax probabilities sum to 1")
    if not out.lines:
        out.lines.append("No functions, loops or known library calls: a few statements.")
    out.lines.sort(key=_line_number)  # reading order; imports and notes stay in place
    return out


def _line_number(line: str) -> int:
    if line.startswith("Imports"):
        return -1
    if line.startswith("Line "):
        return int(line.split()[1].rstrip(":"))
    return 10**9
