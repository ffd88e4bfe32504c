"""SES operations, one thin function each, registered by their AWS names."""
