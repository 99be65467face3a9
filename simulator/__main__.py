"""`python -m simulator` runs the capsim command line."""

from .cli import main

main()
