"""statevisa: the state side of US immigration, as code."""

__version__ = "0.1.0"
