"""Where the API key of a tutor server is kept: never in the study database in clear text.

The database is backed up, exported and copied between computers, so a key there
would travel with it. The key goes to the system keyring (Windows Credential Manager,
macOS Keychain, the Secret Service on Linux) through the ``keyring`` package when
one is available. Without one, it is kept in a file of its own in the data folder,
readable only by this user (mode 0600), and the dialog says so and where.
A key can also stay in an environment variable (``companion models server
--api-key-env VAR``): then only the variable's name is saved.
"""

from __future__ import annotations

import os
from pathlib import Path

from companion import paths

SERVICE = "LLM Study Companion"
KEY_FILE = "server-api-key"


def _keyring():
    """The keyring module when it has a real backend here, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring setup means "no keyring"
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def key_file() -> Path:
    return paths.data_dir() / KEY_FILE


def where_kept() -> str:
    """A sentence for the dialog: where a key typed there is kept."""
    if _keyring() is not None:
        return "The key is kept in this computer's keyring, not in the study database."
    return (f"No system keyring here: the key is kept in {key_file()} (readable only by you), "
            "not in the study database.")


def save(url: str, key: str | None) -> None:
    """Keep ``key`` for the server at ``url``; an empty key forgets it."""
    ring = _keyring()
    if ring is not None:
        try:
            if key:
                ring.set_password(SERVICE, url, key)
            else:
                ring.delete_password(SERVICE, url)
            _forget_file()
            return
        except Exception:  # noqa: BLE001 - locked or refused keyring: use the file instead
            if not key:
                _forget_file()
                return
    if key:
        _write_private(key_file(), f"{url}\n{key}\n")
    else:
        _forget_file()


def load(url: str) -> str | None:
    """The key saved for ``url``, or None."""
    ring = _keyring()
    if ring is not None:
        try:
            found = ring.get_password(SERVICE, url)
        except Exception:  # noqa: BLE001
            found = None
        if found:
            return found
    try:
        saved_url, key = key_file().read_text(encoding="utf-8").splitlines()[:2]
    except (OSError, ValueError):
        return None
    return key if saved_url == url and key else None


def from_env(variable: str | None) -> str | None:
    return os.environ.get(variable) or None if variable else None


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _forget_file() -> None:
    try:
        key_file().unlink()
    except FileNotFoundError:
        pass
