"""Allocation: sharing a national cap among states or counties.

Pure functions over NumPy arrays: apportionment methods (`apportion`), Heartland
county eligibility and opt-in logic. No I/O; the CLI and services feed them frames.
"""
