"""WSGI entry point: `gunicorn wsgi:app`."""

import sys
from pathlib import Path

# Running from a checkout without `pip install`: make platform/ a source root.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))

from mitra import create_app  # noqa: E402

app = create_app()
