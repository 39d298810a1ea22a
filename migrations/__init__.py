"""Alembic migrations: the only way the schema is built, in production and in the tests."""
