"""What a write changed, so the window can tell each view to refresh (like Anki's OpChanges).

Every service method that writes returns a ``Changes`` and also publishes it to
the ``Study``'s listeners; the main window turns that into one Qt signal.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    progress: bool = False  # checklist ticks, start date
    notes: bool = False
    chats: bool = False
    quiz: bool = False  # attempts, review cards, generated questions, explain-it-back
    settings: bool = False  # preferences such as the chosen model
    models: bool = False  # model files installed or removed
    study: bool = False  # the whole database was replaced (a restore): refresh everything

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                          for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def touches(self, *names: str) -> bool:
        """True when any of ``names`` changed, or everything did."""
        return self.study or any(getattr(self, n) for n in names)


NOTHING = Changes()
