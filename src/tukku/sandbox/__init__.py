"""Sandbox mode: a controllable clock and scripted faults for integration testing."""
