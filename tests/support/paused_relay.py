"""The real relay, held SECONDS after each broker confirm before it marks the batch published,
so a test can kill it in that gap.

    python -m tests.support.paused_relay SECONDS
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    from mitra import create_app
    from mitra.cli.events import serve_relay

    (seconds,) = argv
    serve_relay(create_app(), pause_after_confirm=float(seconds))


if __name__ == "__main__":
    main(sys.argv[1:])
