"""Core services: one object per feature area, reachable from ``Study``.

Views and CLI commands call these, never ``companion.storage`` directly. Every
write returns (and publishes) a ``Changes`` so the window can refresh views.
"""

from companion.services.changes import Changes

__all__ = ["Changes"]
