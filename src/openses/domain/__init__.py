"""The SES domain in plain Python: one model behind the v1 and v2 APIs."""
