"""Mail as bytes: building the RFC 5322/MIME messages SES sends, reading a caller's raw message,
inspecting a captured message, feedback reports and auto-replies."""
