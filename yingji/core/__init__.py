"""Kernel every domain app builds on: accounts, roles, scoping, admin areas, audit, events, geo, imports, API."""
