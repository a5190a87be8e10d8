"""The case lifecycle: one transition table for every program (`states.py`)."""
