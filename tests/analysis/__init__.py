"""Tests of `simulator.analysis`."""
