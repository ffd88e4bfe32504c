"""Delivering mail for real (issue 15): the routes mail leaves by, MX resolution, the SMTP
conversations, what their replies mean, and the worker that drains the delivery queue."""
