"""`standardflow backup` and `standardflow restore`: what StandardFlow owns, in one archive — its
database (every table, one consistent snapshot), the stored draft files, and the key files kept under
var_dir (the built-in issuer's signing keys, and outside production the decision and payload key
rings). Temporal's own persistence is not in it; README's "Backup and restore" gives the order of the
two.

The archive is a gzipped tar holding `manifest.json`, `tables/<table>.jsonl` (one row a line, values as
JSON: times and dates in ISO 8601, UUIDs as text, enums by name), `blobs/<sha256>` and
`keys/<name>.json`. A restore checks everything before it writes anything: the archive's format and
schema revision, that the database holds no rows, that the blob store holds no file and that no key
file is there with other keys; then it writes the files, loads the tables in one transaction (undoing
the files if that fails) and brings the schema to head."""

import base64
import enum
import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine, make_url

from services.db import is_sqlite, sync_url
from services.drafts.models import DraftVersion
from services.drafts.storage import BlobStore
from services.tables import metadata
from standardflow import database
from standardflow.config import Settings

FORMAT = 1
_BATCH = 1000


class BackupError(Exception):
    """What stops a backup or a restore, said so that the operator knows what to do."""


@dataclass
class Report:
    """What a backup holds, or a restore wrote."""

    revision: str
    made_at: str
    rows: dict[str, int]
    blobs: int
    keys: list[str]  # the key files in the archive
    keys_from_settings: list[str] = field(default_factory=list)  # rings set by STANDARDFLOW_*_KEYS, not in it

    def lines(self) -> list[str]:
        said = [f"schema {self.revision}: {sum(self.rows.values())} rows in {len(self.rows)} tables, "
                f"{self.blobs} draft files, key files: {', '.join(self.keys) or 'none'}"]
        for name in self.keys_from_settings:
            said.append(f"the {name} keys come from STANDARDFLOW_{name.upper()}_KEYS and are not in the archive: "
                        "keep that ring with the backup (Temporal's payloads cannot be read without the payload keys)")
        return said


def key_files(settings: Settings) -> dict[str, Path]:
    """The key files StandardFlow reads, by name; a ring given by a setting has no file."""
    files = {"signing": settings.resolved_signing_key_path}
    for ring in ("decision", "payload"):
        if not getattr(settings, f"{ring}_keys").get_secret_value():
            files[ring] = settings.var_dir / f"{ring}-keys.json"
    return files


def head_revision() -> str:
    return ScriptDirectory.from_config(database.alembic_config("sqlite://")).get_current_head()


# ---------------------------------------------------------------- backup


def backup(settings: Settings, target: Path) -> Report:
    """Writes the archive to `target` (a new file; written beside it and renamed into place)."""
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    url = settings.resolved_database_url
    store = BlobStore(settings.resolved_blob_dir)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as work:
        work_dir = Path(work)
        with _snapshot(url, work_dir) as engine, engine.connect() as conn:
            _begin_snapshot(conn)
            revision = _revision(conn)
            if revision != head_revision():
                raise BackupError(f"the database is at schema {revision or 'none'}, this StandardFlow's is "
                                  f"{head_revision()}: run `standardflow migrate` first")
            rows = {table.name: _dump(conn, table, work_dir / f"{table.name}.jsonl") for table in metadata.sorted_tables}
            wanted = set(conn.execute(sa.select(DraftVersion.__table__.c.sha256).distinct()).scalars())
        missing = sorted(sha for sha in wanted if not store.path_for(sha).is_file())
        if missing:
            raise BackupError(f"{len(missing)} draft files are missing from the blob store "
                              f"{settings.resolved_blob_dir} (e.g. {missing[0]}): nothing was written")
        keys = {name: path for name, path in key_files(settings).items() if path.is_file()}
        report = Report(revision=revision, made_at=datetime.now(UTC).isoformat(), rows=rows, blobs=len(wanted),
                        keys=sorted(keys),
                        keys_from_settings=sorted({"decision", "payload"} - set(key_files(settings))))
        manifest = {"format": FORMAT, "revision": revision, "made_at": report.made_at, "rows": rows,
                    "blobs": sorted(wanted), "keys": report.keys}
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
                for table in metadata.sorted_tables:
                    archive.add(work_dir / f"{table.name}.jsonl", f"tables/{table.name}.jsonl")
                for sha in sorted(wanted):
                    archive.add(store.path_for(sha), f"blobs/{sha}")
                for name, path in sorted(keys.items()):
                    archive.add(path, f"keys/{name}.json")
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return report


@contextmanager
def _snapshot(url: str, work_dir: Path) -> Iterator[Engine]:
    """An engine on a consistent view: a SQLite database is first copied by SQLite's online backup
    (which sees one committed state); PostgreSQL's is read in one repeatable-read transaction."""
    if is_sqlite(url):
        source_path = make_url(sync_url(url)).database
        if not source_path or not Path(source_path).is_file():
            raise BackupError(f"no database at {source_path}")
        copy = work_dir / "snapshot.db"
        with sqlite3.connect(source_path) as source, sqlite3.connect(copy) as dest:
            source.backup(dest)
        source.close()
        dest.close()
        engine = sa.create_engine(f"sqlite:///{copy}")
    else:
        engine = sa.create_engine(sync_url(url), isolation_level="REPEATABLE READ")
    try:
        yield engine
    finally:
        engine.dispose()


def _begin_snapshot(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET TRANSACTION READ ONLY"))


def _revision(conn: Connection) -> str:
    if not sa.inspect(conn).has_table("alembic_version"):
        return ""
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() or ""


def _dump(conn: Connection, table: sa.Table, path: Path) -> int:
    count = 0
    order = list(table.primary_key.columns) or list(table.c)
    enums = {c.name for c in table.c if isinstance(c.type, sa.Enum)}
    with path.open("w", encoding="utf-8") as out:
        result = conn.execution_options(yield_per=_BATCH).execute(sa.select(table).order_by(*order))
        for row in result.mappings():
            values = {name: (value.name if name in enums and isinstance(value, enum.Enum) else value)
                      for name, value in row.items()}
            out.write(json.dumps(values, default=_encode, ensure_ascii=False))
            out.write("\n")
            count += 1
    return count


def _encode(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot write a {type(value).__name__} to a backup")


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


# ---------------------------------------------------------------- restore


def restore(settings: Settings, source: Path) -> Report:
    """Restores the archive at `source` into the settings' database, blob store and key files, which
    must hold nothing yet; brings the schema to head after."""
    if not source.is_file():
        raise BackupError(f"no backup at {source}")
    try:
        archive = tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source} is not a StandardFlow backup: {exc}") from None
    with archive:
        manifest = _manifest(archive, source)
        url = settings.resolved_database_url
        store = BlobStore(settings.resolved_blob_dir)
        targets = key_files(settings)
        _check_empty_database(url, manifest["revision"])
        _check_empty_store(settings.resolved_blob_dir)
        _check_tables(archive, manifest)
        keys = _keys_to_write(archive, manifest, targets)
        written: list[Path] = []
        try:
            for sha in manifest["blobs"]:
                written.append(_restore_blob(archive, store, sha))
            for name, data in keys.items():
                targets[name].parent.mkdir(parents=True, exist_ok=True)
                _write_private(targets[name], data)
                written.append(targets[name])
            _load(url, archive, manifest)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
    database.upgrade(url)
    return Report(revision=manifest["revision"], made_at=manifest["made_at"], rows=manifest["rows"],
                  blobs=len(manifest["blobs"]), keys=sorted(keys),
                  keys_from_settings=sorted(set(manifest["keys"]) - set(targets)))


def _manifest(archive: tarfile.TarFile, source: Path) -> dict:
    try:
        manifest = json.loads(_read(archive, "manifest.json"))
    except (BackupError, ValueError):
        raise BackupError(f"{source} is not a StandardFlow backup: it has no readable manifest.json") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is a backup of format {manifest.get('format')!r}; this StandardFlow reads {FORMAT}")
    if manifest.get("revision") != head_revision():
        raise BackupError(f"the backup is of schema {manifest.get('revision')}, this StandardFlow's is {head_revision()}: "
                          "restore it with the StandardFlow version that made it, then upgrade")
    unknown = set(manifest["rows"]) - {t.name for t in metadata.sorted_tables}
    if unknown:
        raise BackupError(f"the backup holds tables this StandardFlow does not know: {', '.join(sorted(unknown))}")
    return manifest


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    """A member's bytes, by its exact name; only regular files are read, nothing is extracted."""
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"the backup lacks {name}") from None
    extracted = archive.extractfile(member) if member.isfile() else None
    if extracted is None:
        raise BackupError(f"the backup's {name} is not a file")
    return extracted.read()


def _check_empty_database(url: str, revision: str) -> None:
    if is_sqlite(url) and not Path(make_url(sync_url(url)).database or "").is_file():
        return  # made by the restore
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            present = _revision(conn)
            if present and present != revision:
                raise BackupError(f"the database is at schema {present}, the backup at {revision}: "
                                  "restore into an empty database")
            inspector = sa.inspect(conn)
            for table in metadata.sorted_tables:
                if inspector.has_table(table.name) and conn.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                    raise BackupError(f"the database already holds data (table {table.name}): restore into an "
                                      "empty database")
    except sa.exc.OperationalError as exc:
        raise BackupError(f"cannot reach the database: {exc.orig}") from None
    finally:
        engine.dispose()


def _check_tables(archive: tarfile.TarFile, manifest: dict) -> None:
    """Each table's rows are all there, as many as the manifest says (a cut archive is refused whole)."""
    for table in metadata.sorted_tables:
        expected = manifest["rows"].get(table.name, 0)
        found = _read(archive, f"tables/{table.name}.jsonl").count(b"\n")
        if found != expected:
            raise BackupError(f"the backup's table {table.name} holds {found} rows, its manifest says {expected}")


def _check_empty_store(root: Path) -> None:
    if root.exists() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(f"the blob store {root} already holds files: restore into an empty one")


def _keys_to_write(archive: tarfile.TarFile, manifest: dict, targets: dict[str, Path]) -> dict[str, bytes]:
    keys = {}
    for name in manifest["keys"]:
        if name not in targets:
            continue  # the ring comes from a setting here
        data = _read(archive, f"keys/{name}.json")
        path = targets[name]
        if path.exists():
            if path.read_bytes() != data:
                raise BackupError(f"the key file {path} exists with other keys: move it away to restore the backup's")
            continue
        keys[name] = data
    return keys


def _restore_blob(archive: tarfile.TarFile, store: BlobStore, sha: str) -> Path:
    data = _read(archive, f"blobs/{sha}")
    if hashlib.sha256(data).hexdigest() != sha:
        raise BackupError(f"the backup's draft file {sha} is damaged (its bytes do not have that SHA-256)")
    path = store.path_for(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_private(path, data, mode=0o644)
    return path


def _write_private(path: Path, data: bytes, mode: int = 0o600) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(name, mode)
    os.replace(name, path)


def _load(url: str, archive: tarfile.TarFile, manifest: dict) -> None:
    database.upgrade(url, manifest["revision"])
    engine = sa.create_engine(sync_url(url))
    try:
        with engine.begin() as conn:
            for table in metadata.sorted_tables:
                rows = [_decoded(table, json.loads(line))
                        for line in _read(archive, f"tables/{table.name}.jsonl").decode("utf-8").splitlines() if line]
                rows = _referenced_first(table, rows)
                for start in range(0, len(rows), _BATCH):
                    conn.execute(table.insert(), rows[start:start + _BATCH])
                _advance_sequences(conn, table)
    finally:
        engine.dispose()


def _decoded(table: sa.Table, row: dict) -> dict:
    return {name: _decode(table.c[name], value) for name, value in row.items()}


def _decode(column: sa.Column, value: object) -> object:
    if value is None or isinstance(column.type, sa.Enum | sa.JSON):
        return value
    kind_of = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
    try:
        kind = kind_of.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is time:
        return time.fromisoformat(value)
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is bytes:
        return base64.b64decode(value)
    if kind is Decimal:
        return Decimal(value)
    return value


def _referenced_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Rows of a table that refers to itself (a revision project names the project it revises) in an
    order where each row comes after the one it names."""
    links = [(fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table]
    if not links:
        return rows
    placed, ordered, waiting = set(), [], list(rows)
    while waiting:
        ready = [r for r in waiting if all(r[own] is None or r[own] in placed for own, _ in links)] or waiting
        for row in ready:  # all of them when the rest form a cycle: the database judges it
            placed.update(row[target] for _, target in links)
        ordered += ready
        waiting = [r for r in waiting if not any(r[target] in placed for _, target in links)]
    return ordered


def _advance_sequences(conn: Connection, table: sa.Table) -> None:
    """PostgreSQL's sequences behind integer keys go on after the restored rows."""
    if conn.dialect.name != "postgresql":
        return
    for column in table.primary_key.columns:
        if column.autoincrement in (True, "auto") and column.type.python_type is int:
            conn.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"))
