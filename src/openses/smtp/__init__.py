"""SES's SMTP interface: submission on the STARTTLS and implicit-TLS ports (issue 16)."""
