"""Wire formats of the SES APIs, driven by botocore's service models. No SES rules live here."""
