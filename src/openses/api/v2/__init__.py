"""SES v2 (REST-JSON) operations."""
