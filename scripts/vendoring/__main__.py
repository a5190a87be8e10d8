"""``python -m scripts.vendoring`` (from the repository root): see the package docstring."""

import sys

from .build import main

sys.exit(main())
