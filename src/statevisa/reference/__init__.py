"""Vendored public reference data and their typed loaders.

Census PEP population, FIPS codes, BLS LAUS and OEWS, SAIPE, us-atlas TopoJSON.

Runtime code reads only the package data in `reference/data/` (via importlib.resources);
`scripts/vendor_reference.py` regenerates it, with a provenance file per dataset.
"""
