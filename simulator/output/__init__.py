"""Stage 5, the run directory: CSV, JSON, xlsx and the resolved scenario, staged and written whole.

- `run_dir`: `write_run`, `read_run`, the tables' writers and the staged directory;
- `hindcast_table`: hindcast.csv.

Imports `simulator.analysis`, `simulator.ensemble` and below; never the report or the CLI.
"""
