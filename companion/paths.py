"""Where the learner's data lives.

Data stays outside the installed program so that upgrading or replacing the app
never touches notes. ``COMPANION_HOME`` overrides the location for tests and
portable installs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "LLM Study Companion"


def data_dir() -> Path:
    """The user data folder, created on first use."""
    override = os.environ.get("COMPANION_HOME")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def database_path() -> Path:
    return data_dir() / "companion.db"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Models the learner downloaded or imported."""
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def app_dir() -> Path:
    """The folder the program runs from (the bundle folder when frozen)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent
