"""Synthetic populations and scenarios, built from the same program files operations use."""
