"""`python -m mitra.cli`: the `mitra` command, as `mitra up` starts its children."""

from mitra.cli import main

main()
