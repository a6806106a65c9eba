"""``python -m api`` / ``flexpool-api``: serve on 127.0.0.1:$PORT with demo data.

Seeds the database (once) with the Twente S pool, issues fresh demo tokens for
one coordinator, one planner and one worker, prints them with the URLs, and
runs uvicorn.
"""

from __future__ import annotations

import os
import sys

import uvicorn

from api.app import create_app
from api.db import Pool, make_engine, migrate, session_factory
from api.security import issue_token
from api.seed import demo_scenario, seed_pool
from api.settings import Settings


def main() -> int:
    settings = Settings.from_env()
    port = int(os.environ.get("PORT", "8000"))
    engine = make_engine(settings.url)
    migrate(engine)
    with session_factory(engine)() as session:
        pool = session.get(Pool, "twente")
        if pool is None:
            tokens = seed_pool(session, demo_scenario())
            coordinator, planner, worker = tokens.coordinator, tokens.planner, tokens.worker
            org, worker_id, week = tokens.planner_organisation, tokens.worker_id, tokens.week
        else:
            org = pool.base["organisations"][0]["id"]
            worker_id = pool.base["workers"][0]["id"]
            week = "(see GET /pools/twente/rosters)"
            coordinator = issue_token(session, "twente", "coordinator", label="demo")[1]
            planner = issue_token(session, "twente", "planner", organisation_id=org,
                                  label="demo")[1]
            worker = issue_token(session, "twente", "worker", worker_id=worker_id,
                                 label="demo")[1]
            session.commit()
    engine.dispose()
    url = f"http://127.0.0.1:{port}"
    print(f"flexpool API on {url}  (database: {settings.url.split('@')[-1]})", flush=True)
    print(f"docs:        {url}/docs", flush=True)
    print(f"pool:        twente, week {week}", flush=True)
    print(f"coordinator: {coordinator}", flush=True)
    print(f"planner:     {planner}   (organisation {org})", flush=True)
    print(f"worker:      {worker}   (worker {worker_id})", flush=True)
    print(f"try: curl -H 'Authorization: Bearer {coordinator}' {url}/pools/twente", flush=True)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_config=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
