"""Rebuild the vendored reference data: the entry point of the ``scripts/vendoring`` package.

Run: ``.venv/bin/pip install -e '.[vendor]' && .venv/bin/python scripts/vendor_reference.py
[--source DIR] [--out DIR]`` (the same as ``python -m scripts.vendoring``; see scripts/vendoring/__init__.py).
"""

import sys

from vendoring import main  # scripts/ is on sys.path when this file is run as a script

if __name__ == "__main__":
    sys.exit(main())
