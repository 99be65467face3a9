"""Tests of `simulator.report`."""
