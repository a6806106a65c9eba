"""Service settings: one frozen value built from the environment by the caller.

Nothing here runs at import time; :func:`Settings.from_env` is called by
``python -m api`` and by tests, which may also build :class:`Settings` directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Where data lives and the limits the service enforces."""

    data_dir: Path = Path("data")
    database_url: str | None = None
    max_body_bytes: int = 5 * 1024 * 1024
    max_active_jobs_per_pool: int = 1
    max_time_limit_s: float = 600.0
    solver_workers: int = 2
    public_base_url: str = ""
    log_json: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL: ``DATABASE_URL`` or a SQLite file under the data dir."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgres://"):
                url = "postgresql://" + url.removeprefix("postgres://")
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / 'flexpool.sqlite3').resolve()}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read ``FLEXPOOL_DATA_DIR``, ``DATABASE_URL``, ``FLEXPOOL_MAX_BODY_BYTES``,
        ``FLEXPOOL_MAX_JOBS_PER_POOL`` and ``FLEXPOOL_PUBLIC_URL``."""
        env = dict(os.environ if env is None else env)
        return cls(
            data_dir=Path(env.get("FLEXPOOL_DATA_DIR", "data")),
            database_url=env.get("DATABASE_URL") or None,
            max_body_bytes=int(env.get("FLEXPOOL_MAX_BODY_BYTES", 5 * 1024 * 1024)),
            max_active_jobs_per_pool=int(env.get("FLEXPOOL_MAX_JOBS_PER_POOL", 1)),
            public_base_url=env.get("FLEXPOOL_PUBLIC_URL", ""),
        )
