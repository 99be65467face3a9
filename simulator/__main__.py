"""`python -m simulator` runs the capsim command line."""

from simulator.cli import main

main()
