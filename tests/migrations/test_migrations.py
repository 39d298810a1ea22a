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


def test_one_linear_history():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(database.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def _drift(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = sa.create_engine(database.sync_url(url))
    try:
        with engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'drift.db'}"
    database.upgrade(url)
    assert _drift(url) == []
    name = _create_pg_database()
    try:
        pg = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
        database.upgrade(pg)
        assert _drift(pg) == []
    finally:
        _drop_pg_database(name)
