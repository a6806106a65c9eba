"""What the app holds while it runs: settings, engine, sessions, the job runner.

Built in the app's lifespan (never at import time) and reached by routes
through the dependencies in :mod:`api.deps`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from api.calendars import FeedCache
from api.jobs import JobRunner
from api.settings import Settings


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    runner: JobRunner
    feeds: FeedCache = field(default_factory=FeedCache)
