"""One Alembic history, up and down, on SQLite and PostgreSQL."""

import sqlalchemy as sa

from services.tables import metadata
from standardflow import database
from tests.conftest import _create_pg_database, _drop_pg_database, PG_ADMIN_URL


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(database.sync_url(url))
    try:
        return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _round_trip(url: str) -> None:
    database.upgrade(url)
    assert _tables(url) == set(metadata.tables)
    database.downgrade(url, "base")
    assert _tables(url) == set()
    database.upgrade(url)
    assert _tables(url) == set(metadata.tables)


def test_sqlite_upgrade_downgrade_upgrade(tmp_path):
    _round_trip(f"sqlite:///{tmp_path / 'fresh.db'}")


def test_postgresql_upgrade_downgrade_upgrade():
    name = _create_pg_database()
    try:
        _round_trip(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    finally:
        _drop_pg_database(name)
