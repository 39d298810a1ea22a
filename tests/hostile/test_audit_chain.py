"""The audit trail is hash-chained, and `standardflow audit verify` says so, or names the first record
that breaks the chain. A database of each kind gets real events through the API (a proposal made,
edited, submitted, returned, resubmitted and accepted; a role granted); each test then works on a copy
of it, edits that copy behind the application's back with raw SQL, and runs the command as a
subprocess on it, as an operator would."""

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from temporalio.client import Client

from services.audit.models import AuditEvent
from services.audit.service import _digest
from services.db import create_engine, session_factory, sync_url, transaction
from services.demo import seed_demo
from standardflow import database
from tests.conftest import PG_ADMIN_URL, app_stack
from tests.helpers import create_proposal, eventually, inbox, org_id


TABLE = AuditEvent.__table__


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
async def chained(request, temporal_client: Client, tmp_path_factory) -> AsyncIterator[str]:
    """The URL of a database whose audit trail was written by the app, through the API."""
    folder = tmp_path_factory.mktemp("audit")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'chained.db'}"
    else:
        url = _create_pg(f"sf_audit_{uuid.uuid4().hex[:8]}")
    database.upgrade(url)
    engine = create_engine(url)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    async with app_stack(engine, temporal_client, folder, f"sf-audit-{uuid.uuid4().hex[:8]}") as stack:
        await _make_events(stack)
        assert stack.server_errors == []
    await engine.dispose()
    yield url
    if request.param == "postgresql":
        _drop_pg(url)


async def _make_events(stack) -> None:  # noqa: ANN001 - tests.conftest.Stack
    http, proposer, secretary = stack.http, await stack.login("li.wei"), await stack.login("wang.fang")
    pid = (await create_proposal(http, proposer))["id"]
    assert (await http.patch(f"/api/v1/projects/{pid}", json={"scope": "Open data, v2."}, headers=proposer)).is_success
    assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).is_success
    for decision in ({"decision": "return", "reasons": "Name the data sets."}, {"decision": "accept"}):
        task = (await eventually(lambda: inbox(http, secretary, pid, kind="screen_proposal"), bool))[0]
        assert (await http.post(f"/api/v1/tasks/{task['id']}/complete", json=decision, headers=secretary)).is_success
        if decision["decision"] == "return":
            assert (await http.post(f"/api/v1/projects/{pid}/submit", headers=proposer)).is_success
    admin = await stack.login("ma.rui")
    sdcia = await org_id(http, admin, "SDCIA")
    granted = await http.post(f"/api/v1/admin/organisations/{sdcia}/members",
                              json={"username": "chen.jie", "role": "expert"}, headers=admin)  # of SDCIA already
    assert granted.is_success, granted.text


def _create_pg(name: str) -> str:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg(url: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.fixture
def copy_of(chained: str, tmp_path: Path):
    """A copy of the chained database, for one test to tamper with."""
    if chained.startswith("sqlite"):
        copy = tmp_path / "copy.db"
        with sqlite3.connect(chained.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # the write-ahead log's pages too
        yield f"sqlite:///{copy}"
        return
    name = f"sf_audit_copy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{chained.rsplit("/", 1)[1]}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    _drop_pg(url)


def verify(url: str, cwd: Path, *options: str) -> subprocess.CompletedProcess:
    """`standardflow audit verify`, run as an operator runs it."""
    env = {**os.environ, "STANDARDFLOW_DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "standardflow", "audit", "verify", *options], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def tamper(url: str, *statements: sa.Executable) -> None:
    """SQL in one transaction on the database's own driver: nothing of the application runs, only its
    table's description, so that values are written as each database stores them."""
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(statement)
    engine.dispose()


def rows(url: str) -> list[dict]:
    engine = sa.create_engine(sync_url(url))
    with engine.connect() as connection:
        found = [dict(r._mapping) for r in connection.execute(sa.select(TABLE).order_by(TABLE.c.id))]
    engine.dispose()
    return found


def move(old_id: int, new_id: int) -> sa.Executable:
    return sa.update(TABLE).where(TABLE.c.id == old_id).values(id=new_id)


def test_the_chain_written_by_the_app_is_intact(copy_of: str, tmp_path: Path):
    written = rows(copy_of)
    assert len(written) >= 8 and {"project.created", "project.updated", "project.submitted",
                                  "member.role_granted"} <= {r["action"] for r in written}
    result = verify(copy_of, tmp_path)
    assert result.returncode == 0, result.stderr
    head = written[-1]
    assert result.stdout.splitlines() == [f"audit chain intact: {len(written)} records",
                                          f"head: {head['id']}:{head['hash']}"]
    anchored = verify(copy_of, tmp_path, "--anchor", f"{written[4]['id']}:{written[4]['hash']}")
    assert anchored.returncode == 0 and anchored.stdout.startswith("audit chain intact"), anchored.stderr


def test_an_end_cut_off_is_caught_only_against_an_anchor_kept_elsewhere(copy_of: str, tmp_path: Path):
    written = rows(copy_of)
    head = written[-1]
    tamper(copy_of, sa.delete(TABLE).where(TABLE.c.id >= written[-2]["id"]))
    plain = verify(copy_of, tmp_path)
    assert plain.returncode == 0 and f"intact: {len(written) - 2} records" in plain.stdout, "nothing inside shows it"
    anchored = verify(copy_of, tmp_path, "--anchor", f"{head['id']}:{head['hash']}")
    assert anchored.returncode == 1
    assert anchored.stderr.strip() == (f"audit chain broken at record {head['id']}: is anchored, but the chain ends "
                                       f"at record {written[-3]['id']}: records were cut from its end")


def test_a_chain_rewritten_and_hashed_anew_is_caught_against_its_anchor(copy_of: str, tmp_path: Path):
    written = rows(copy_of)
    head = written[-1]
    forged, previous = [], written[2]["hash"]  # from the fourth record on, every record edited and re-hashed
    for record in written[3:]:
        changed = {**record, "actor_label": "system", "prev_hash": previous}
        changed["hash"] = previous = _digest(AuditEvent(**changed))
        forged.append(sa.update(TABLE).where(TABLE.c.id == record["id"]).values(
            actor_label="system", prev_hash=changed["prev_hash"], hash=changed["hash"]))
    parked = [sa.update(TABLE).where(TABLE.c.id == r["id"]).values(hash=f"{r['id']:064x}") for r in written[3:]]
    tamper(copy_of, *parked, *forged)  # the hashes are unique: each is parked before the new ones go in
    assert verify(copy_of, tmp_path).returncode == 0, "a consistent forgery passes without an anchor"
    anchored = verify(copy_of, tmp_path, "--anchor", f"{head['id']}:{head['hash']}")
    assert anchored.returncode == 1
    assert anchored.stderr.strip() == (f"audit chain broken at record {head['id']}: does not carry the anchored "
                                       "hash: the chain was rewritten up to here")


@pytest.mark.parametrize("anchor", ["12", "x:" + "0" * 64, "3:" + "0" * 63, "3:" + "G" * 64])
def test_a_malformed_anchor_is_refused(copy_of: str, tmp_path: Path, anchor: str):
    result = verify(copy_of, tmp_path, "--anchor", anchor)
    assert result.returncode == 2 and "an anchor is a record's id and its 64-character hash" in result.stderr


@pytest.mark.parametrize(("column", "value"), [
    ("data", {"fields": ["rationale"]}),
    ("action", "project.withdrawn"),
    ("actor_label", "system"),
])
def test_a_record_edited_behind_the_apps_back_is_named(copy_of: str, tmp_path: Path, column: str, value: str):
    edited = next(r for r in rows(copy_of) if r["action"] == "project.updated")
    tamper(copy_of, sa.update(TABLE).where(TABLE.c.id == edited["id"]).values({column: value}))
    result = verify(copy_of, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == f"audit chain broken at record {edited['id']}: content does not match its hash"


def test_a_deleted_record_is_caught_between_its_neighbours(copy_of: str, tmp_path: Path):
    before, deleted, after = rows(copy_of)[3:6]
    tamper(copy_of, sa.delete(TABLE).where(TABLE.c.id == deleted["id"]))
    result = verify(copy_of, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"audit chain broken at record {after['id']}: "
                                     f"does not follow record {before['id']}, the record before it")


def test_the_first_record_deleted_is_caught(copy_of: str, tmp_path: Path):
    first, second = rows(copy_of)[:2]
    tamper(copy_of, sa.delete(TABLE).where(TABLE.c.id == first["id"]))
    result = verify(copy_of, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"audit chain broken at record {second['id']}: "
                                     "does not follow the start of the chain, the record before it")


def test_two_records_swapped_are_caught(copy_of: str, tmp_path: Path):
    before, first, second = rows(copy_of)[4:7]
    parked = -1  # the ids are the primary key: one of the two waits aside while the other moves
    tamper(copy_of, move(first["id"], parked), move(second["id"], first["id"]), move(parked, second["id"]))
    result = verify(copy_of, tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"audit chain broken at record {first['id']}: "
                                     f"does not follow record {before['id']}, the record before it")


@pytest.mark.parametrize("forger", ["copies a hash", "computes the hash"])
def test_a_record_slipped_in_is_caught(copy_of: str, tmp_path: Path, forger: str):
    written = rows(copy_of)
    host, follower = written[5], written[6]
    # Every record from the follower on moves one id up (through negative ids: they are the primary key).
    later = [r["id"] for r in written[6:]]
    shifted = [move(i, -i) for i in later] + [move(-i, i + 1) for i in later]
    forged = {**host, "id": follower["id"], "action": "project.accepted", "prev_hash": host["hash"]}
    forged["hash"] = _digest(AuditEvent(**forged)) if forger == "computes the hash" else "f" * 64
    tamper(copy_of, *shifted, sa.insert(TABLE).values(forged))
    result = verify(copy_of, tmp_path)
    assert result.returncode == 1
    if forger == "computes the hash":
        # The slipped-in record links to the one before it; the record after it cannot link to it.
        expected = f"record {follower['id'] + 1}: does not follow record {follower['id']}, the record before it"
    else:
        expected = f"record {follower['id']}: content does not match its hash"
    assert result.stderr.strip() == f"audit chain broken at {expected}"
