"""Qt-free storage: one SQLite file, one module per table family."""

from companion.storage.db import (
    CorruptDatabaseError,
    NewerDatabaseError,
    StorageError,
    connect,
    open_database,
)

__all__ = ["CorruptDatabaseError", "NewerDatabaseError", "StorageError", "connect",
           "open_database"]
