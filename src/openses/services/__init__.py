"""Use cases shared by the v1 and v2 APIs: unit of work, load, domain, commit."""
