"""Regenerate the lesson figures: ``python assets/figures/build.py [NAME ...]``.

Each ``dayNN_*.py`` here makes one figure named after the file with ``_`` turned
into ``-`` (``day04_causal_mask.py`` -> ``day04-causal-mask.svg``). Output is
deterministic (fixed hash salt, no dates), so rebuilding an unchanged figure
leaves git clean. Needs matplotlib (``pip install matplotlib``); the app itself
only reads the SVG files.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parents[1] / "companion" / "curriculum" / "figures"
sys.path.insert(0, str(HERE))

from style import THEMES, Theme, apply  # noqa: E402


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _render(module, theme: Theme) -> str:
    if hasattr(module, "svg"):
        return module.svg(theme)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    apply(theme)
    fig = module.draw(theme)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    # matplotlib writes the space glyph as a <path> with no data, which Qt's SVG renderer
    # reports as broken ("Invalid path data", "link #DejaVuSans-3 is undefined"): an empty
    # group draws the same nothing without the warnings
    return re.sub(r'<path id="([\w-]+)" transform="[^"]*"/>', r'<g id="\1"/>',
                  buffer.getvalue())


def build(names: list[str]) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(HERE.glob("day*.py")):
        name = path.stem.replace("_", "-")
        if names and name not in names and path.stem not in names:
            continue
        module = _load(path)
        for theme in THEMES:
            text = _render(module, theme)
            if not re.search(r"<svg\b", text):
                raise SystemExit(f"{path.name}: did not produce SVG for the {theme.name} theme")
            target = OUT / (f"{name}.svg" if theme.name == "light" else f"{name}.dark.svg")
            target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


if __name__ == "__main__":
    for p in build(sys.argv[1:]):
        print(p.relative_to(HERE.parents[1]))
