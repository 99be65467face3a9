"""Tests of simulator.output: where capsim may write, the run directory, its names."""
