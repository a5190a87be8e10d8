"""Rebuild the enforcement data vendored in src/statevisa/cooperation/data/ (see vendoring/enforcement.py).

Run: ``.venv/bin/pip install -e '.[vendor]' && .venv/bin/python scripts/vendor_enforcement.py
[--source DIR] [--out DIR]``.
"""

import sys

from vendoring.enforcement import main  # scripts/ is on sys.path when this file is run as a script

if __name__ == "__main__":
    sys.exit(main())
