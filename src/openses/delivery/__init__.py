"""Turning accepted sends into RFC 5322 messages and delivering them (capture or SMTP)."""
