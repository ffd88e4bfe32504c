"""SES v1 (Query) operations."""
