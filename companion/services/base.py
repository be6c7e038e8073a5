"""What every service shares: the open study (database, course) and the change feed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlite_utils

from companion.curriculum import Course
from companion.services.changes import Changes

if TYPE_CHECKING:
    from companion.study import Study


class Service:
    def __init__(self, study: Study) -> None:
        self._study = study

    @property
    def _db(self) -> sqlite_utils.Database:
        # read through the study each time: a restore replaces the connection
        return self._study.db

    @property
    def course(self) -> Course:
        return self._study.course

    def _publish(self, changes: Changes) -> Changes:
        self._study.publish(changes)
        return changes
