"""The flexpool web service (FastAPI): pools, demand, preferences, solve jobs,
rosters, checks and iCal feeds. Build it with :func:`api.app.create_app`."""
