"""Twente: a seeded generator of realistic regional flexpool scenarios (see README.md)."""
