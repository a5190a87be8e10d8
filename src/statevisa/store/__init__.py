"""The store: SQLAlchemy models, the database URL and engine, and Alembic migrations.

Part of the shell: services open transactions on it; the core never imports it.
"""
