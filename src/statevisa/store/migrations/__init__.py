"""Alembic's environment and the schema's revisions, shipped inside the package."""
