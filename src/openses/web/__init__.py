"""openses' own HTTP endpoints, outside the AWS paths (``/_openses/...``)."""
