"""SES events: the exact JSON records AWS publishes, and the outbox they are written to."""
