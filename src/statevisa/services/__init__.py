"""Use cases: typed inputs in, data out; the CLI, the API and the web all call these.

Each module holds one family of use cases (programs, allocation, selection, Heartland,
reference data). A service loads what it needs, calls the pure core, and returns data; it
never prints, and it raises `InputError`/`PolicyError` with located problems.
"""
