"""Tests of `simulator.ensemble`."""
