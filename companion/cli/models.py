"""``companion models list|download|import|use|server``: the model manager for the terminal.

The same core the dialog uses (catalog, download, model_files, model_check), with a text
progress bar. Every failure a learner can cause is one line and a non-zero exit.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from companion.cli.errors import UserError
from companion.cli.study import open_study
from companion.tutor import catalog, model_check, model_files
from companion.tutor.catalog import human
from companion.tutor.download import DownloadCancelled, DownloadError, Progress, download
from companion.tutor.engine import ModelError

PHASES = {"download": "Downloading", "verify": "Checking SHA-256", "check": "Test-loading"}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="list, download, import and choose tutor models")
    sub = p.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    s = sub.add_parser("list", help="installed models and the catalog, with a fit hint")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("download", help="download a catalog model (see `models list`)")
    s.add_argument("id")
    s.set_defaults(func=cmd_download)
    s = sub.add_parser("import", help="check a local .gguf file and add it to your models")
    s.add_argument("path")
    s.set_defaults(func=cmd_import)
    s = sub.add_parser("use", help="make the tutor use a model (catalog id, .gguf path, or "
                                   "'bundled' for the built-in one)")
    s.add_argument("model", metavar="ID|PATH|bundled")
    s.set_defaults(func=cmd_use)
    s = sub.add_parser("server", help="make the tutor use an OpenAI-compatible server "
                                      "(llama-server, Ollama, LM Studio, vLLM, Jan)")
    s.add_argument("url", help="its API address, e.g. http://127.0.0.1:8080/v1")
    s.add_argument("--model", help="the server's model id (default: its first model)")
    s.add_argument("--api-key-env", metavar="VAR",
                   help="environment variable that holds the API key (only its name is saved)")
    s.set_defaults(func=cmd_server)
    # the child process of the safe-loading check, for the frozen app (no `python -m` there)
    s = sub.add_parser("trial-load")
    s.add_argument("path")
    s.set_defaults(func=lambda args: model_check.main([args.path]))


def _chosen(db) -> str | None:
    from companion.storage import settings

    return settings.get(db, settings.TUTOR_MODEL)


def _in_use(db) -> Path | None:
    from companion.storage import settings

    if settings.get(db, settings.TUTOR_ENGINE) == "server":
        return None
    try:
        return model_files.resolve_choice(_chosen(db)).path.resolve()
    except ModelError:
        return None


def _entries() -> list[catalog.CatalogEntry]:
    try:
        return catalog.load_catalog()
    except catalog.CatalogError as exc:
        raise UserError(str(exc)) from None


# ----- list ---------------------------------------------------------------------------------
def installed_rows(in_use: Path | None) -> list[dict[str, Any]]:
    """One row per installed model, with its metadata or the reason it is unusable."""
    by_file = {e.file: e.id for e in _entries()}
    rows = []
    for path in model_files.installed_models():
        row: dict[str, Any] = {"path": str(path), "file": path.name,
                               "in_use": path == in_use, "shipped": model_files.is_shipped(path),
                               "catalog_id": by_file.get(path.name), "error": None}
        try:
            row.update(model_check.model_info(path).to_json())
        except ModelError as exc:
            row.update(size_bytes=path.stat().st_size, error=str(exc))
        rows.append(row)
    return rows


def catalog_rows() -> list[dict[str, Any]]:
    free = catalog.available_ram()
    rows = []
    for entry in _entries():
        installed = entry.installed_path()
        rows.append({**entry.to_json(), "installed": installed is not None,
                     "installed_path": str(installed) if installed else None,
                     "fit": catalog.fit(entry, free)})
    return rows


def cmd_list(args: argparse.Namespace) -> int:
    study = open_study()
    try:
        in_use = _in_use(study.db)
        choice = study.models.engine_choice()
    finally:
        study.close()
    installed, offered = installed_rows(in_use), catalog_rows()
    free = catalog.available_ram()
    server = {"url": choice.url, "model": choice.model} if choice.is_server else None
    try:
        problem = None if server else model_files.resolve_choice(choice.path).problem
    except ModelError as exc:
        problem = str(exc)
    if args.json:
        print(json.dumps({"in_use": str(in_use) if in_use else None, "server": server,
                          "problem": problem, "free_ram_bytes": free, "installed": installed,
                          "catalog": offered}, indent=2))
        return 0
    if problem:
        print(f"Note: {problem}\n")
    if server:
        print(f"The tutor uses the server {choice.url} (model: {choice.model or 'its first'});"
              " go back to a file with: companion models use bundled\n")
    print("Installed models (* = the tutor uses it):")
    for row in installed:
        mark = "*" if row["in_use"] else " "
        if row["error"]:
            print(f"{mark} {row['file']}  UNUSABLE: {row['error']}")
            continue
        extra = "  (ships with the app)" if row["shipped"] else ""
        print(f"{mark} {row['file']}  {human(row['size_bytes'])}  {row['quantization']}  "
              f"{row['architecture']}  context {row['context_length'] or '?'}{extra}")
    print(f"\nCatalog (free memory now: {human(free) if free else 'unknown'}):")
    for row in offered:
        state = "installed" if row["installed"] else ""
        print(f"  {row['id']:30s} {row['purpose']:5s} {human(row['size']):>9s}  "
              f"needs {row['min_ram_gb']:.1f} GB  {row['fit']:8s} {state}")
    print("\nDownload one with: companion models download ID")
    return 0


# ----- download -----------------------------------------------------------------------------
def cmd_download(args: argparse.Namespace) -> int:
    entry = catalog.find(args.id, _entries())
    if entry is None:
        raise UserError(f"No model {args.id!r} in the catalog; see `companion models list`.")
    bar = TextBar(sys.stderr)
    try:
        path = download(entry, on_progress=bar)
    except DownloadCancelled:
        raise UserError("Download cancelled.") from None
    except (DownloadError, ModelError) as exc:
        bar.finish()
        raise UserError(str(exc)) from None
    bar.finish()
    print(path)
    print(f"Installed {entry.name}. Make it the tutor with: companion models use {entry.id}",
          file=sys.stderr)
    return 0


class TextBar:
    """``Downloading [#####.....]  45%  44.1 MB / 98.4 MB  12.3 MB/s  0:04 left``."""

    def __init__(self, stream: TextIO, width: int = 28) -> None:
        self.stream, self.width = stream, width
        self.tty = getattr(stream, "isatty", lambda: False)()
        self.phase, self.step, self.last, self.drawn = "", -1, 0.0, False

    def __call__(self, p: Progress) -> None:
        now = time.monotonic()
        step = int(p.fraction * 10)
        new_phase = p.phase != self.phase
        if self.tty and not new_phase and now - self.last < 0.1 and p.done < p.total:
            return
        if not self.tty and not new_phase and step == self.step:
            return  # in a log, one line per tenth is plenty
        if new_phase and self.drawn and self.tty:
            self.stream.write("\n")
        self.phase, self.step, self.last = p.phase, step, now
        filled = int(p.fraction * self.width)
        line = f"{PHASES.get(p.phase, p.phase):17s} [{'#' * filled}{'.' * (self.width - filled)}]" \
               f" {p.fraction * 100:3.0f}%"
        if p.phase != "check":
            line += f"  {human(p.done)} / {human(p.total)}"
        if p.phase == "download" and p.speed:
            line += f"  {human(p.speed)}/s"
            if p.eta_s is not None:
                line += f"  {int(p.eta_s) // 60}:{int(p.eta_s) % 60:02d} left"
        self.stream.write(("\r" + line.ljust(100)) if self.tty else line + "\n")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn and self.tty:
            self.stream.write("\n")
            self.stream.flush()
        self.drawn = False


# ----- import and use -----------------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    source = Path(args.path).expanduser()
    if sys.stderr.isatty():  # in a script, the only stderr line is the result or the error
        print(f"Checking {source.name}…", file=sys.stderr)
    try:
        installed = model_check.import_model(source)
        info = model_check.model_info(installed)
    except ModelError as exc:
        raise UserError(str(exc)) from None
    print(installed)
    print(f"Imported {info.name} ({info.architecture}, {info.quantization}). Make it the tutor "
          f"with: companion models use {installed}", file=sys.stderr)
    return 0


def choose(choice: str) -> Path:
    """A catalog id, an installed file name or a path, as a checked model file."""
    entry = catalog.find(choice, _entries())
    if entry is not None:
        path = entry.installed_path()
        if path is None:
            raise UserError(f"{entry.id} is not installed yet: run `companion models download "
                            f"{entry.id}` first.")
    else:
        candidate = Path(choice).expanduser()
        in_folder = [p for p in model_files.installed_models() if p.name == choice]
        if candidate.exists():
            path = candidate.resolve()
        elif in_folder:
            path = in_folder[0]
        else:
            raise UserError(f"No model {choice!r}: give a catalog id (see `companion models "
                            "list`) or the path of a .gguf file.")
    try:
        model_check.precheck(path)  # full check, child load included, unless already verified
    except ModelError as exc:
        raise UserError(str(exc)) from None
    return path


def cmd_use(args: argparse.Namespace) -> int:
    path = None if args.model == "bundled" else choose(args.model)
    study = open_study()
    try:
        study.models.choose(path)
        path = path or study.models.in_use()
    finally:
        study.close()
    print(path)
    print(f"The tutor now uses {path.name if path else 'the built-in model'}.", file=sys.stderr)
    return 0


def cmd_server(args: argparse.Namespace) -> int:
    """Check the server answers (and has the model), then save it as the tutor's engine."""
    import os

    from companion.tutor.server_client import check_server

    if args.api_key_env and args.api_key_env not in os.environ:
        raise UserError(f"The environment variable {args.api_key_env} is not set.")
    key = os.environ.get(args.api_key_env) if args.api_key_env else None
    try:
        said = check_server(args.url, key, args.model)
    except ModelError as exc:
        raise UserError(str(exc)) from None
    study = open_study()
    try:
        study.models.use_server(args.url, args.model, key_env=args.api_key_env)
        url = study.models.engine_choice().url
    finally:
        study.close()
    print(url)
    print(f"{said} The tutor now uses this server; go back with: companion models use bundled",
          file=sys.stderr)
    return 0
