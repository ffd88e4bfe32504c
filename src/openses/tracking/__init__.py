"""Open and click tracking: signing keys and tokens, link building, HTML rewriting, engagement."""
