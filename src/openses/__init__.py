"""openses: a self-hostable, Amazon SES-compatible email service."""

__version__ = "0.1.0"
