"""Rebuild the vendored reference data in src/statevisa/reference/data/ from ../shared/data/census.

This is the only code in the repository that reads ../shared: a fresh clone has no ../shared,
so the runtime reads the compact Parquet / gzip files written here, never the originals.
Each dataset gets a ``<id>.provenance.json`` beside it: origin (upstream repository, commit,
blob), vintage, licence, row counts, the transformation, and the published checks of
shared/data/census/SOURCES.md, each re-run here on the written frame. A failing check stops
the build before anything is written, so the package never ships data that fails its checks.
A rerun on the same inputs is byte-identical.

Run from the repository root, either way (the same build)::

    .venv/bin/pip install -e '.[vendor]'
    .venv/bin/python scripts/vendor_reference.py   # the documented entry point
    .venv/bin/python -m scripts.vendoring             # the package itself

Options: ``--source DIR`` (default ../shared/data/census) and ``--out DIR`` (default
src/statevisa/reference/data; emptied, then written). openpyxl reads the LAUS .xlsx, xlrd the
SAIPE .xls; neither is a runtime dependency.

Modules: ``common`` (dataset record, shared-folder reader, check helpers, Parquet/gzip +
provenance writer), one per family (``population``, ``ages``, ``codes``, ``labor``, ``geo``),
and ``build`` (the order of the datasets, the check gate, the writes).
"""

from .build import main

__all__ = ["main"]
