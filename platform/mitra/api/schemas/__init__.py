"""marshmallow schemas of the API: what requests may say and what responses look like."""
