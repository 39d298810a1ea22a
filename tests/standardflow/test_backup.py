"""`standardflow backup` and `restore`: a backup taken in the middle of a pipeline, restored into a
fresh database, blob store and var folder, lets the pipeline go on; a restore that would overwrite
anything is refused and changes nothing."""

import hashlib
import io
import sqlite3
import tarfile
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.audit.service import verify_chain
from services.db import create_engine, session_factory, transaction
from services.demo import seed_demo
from standardflow import database
from standardflow import backup as backups
from standardflow.cli import app
from standardflow.config import Settings, get_settings
from tests.conftest import PG_ADMIN_URL, _create_pg_database, _drop_pg_database, app_stack
from tests.journey import MEMBERS, Journey, People
from tests.payload_keys import PAYLOAD_KEYS
from tests.services.draft_samples import pdf

pytestmark = pytest.mark.timeout(180)


def settings_for(var_dir: Path, url: str) -> Settings:
    return Settings(var_dir=var_dir, database_url=url, payload_keys=PAYLOAD_KEYS, session_secret="test-secret")


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def installations(database_url: str, tmp_path: Path):
    """Two databases of the suite's kind: one installation's, migrated and seeded with the demo data
    (its own, so that every draft it names is in its own blob store), and an empty one with no schema."""
    if database_url.startswith("sqlite"):
        source, target = (f"sqlite:///{tmp_path / name / 'standardflow.db'}" for name in ("source-db", "restored"))
        names = []
    else:
        names = [_create_pg_database(), _create_pg_database()]
        source, target = (PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}" for name in names)
    database.upgrade(source)
    yield source, target
    for name in names:
        _drop_pg_database(name)


async def test_a_backup_mid_pipeline_restores_into_a_fresh_database_and_the_pipeline_goes_on(
        installations, temporal_client, tmp_path):
    source, fresh_database = installations
    queue = f"sf-backup-{uuid.uuid4().hex[:8]}"
    before, after = tmp_path / "before", tmp_path / "after"
    draft = pdf()
    engine = create_engine(source)
    async with transaction(session_factory(engine)) as session:
        await seed_demo(session)
    try:
        async with app_stack(engine, temporal_client, before, queue) as stack:
            people = People(stack.http)
            journey = Journey(people)
            await journey.propose("li.wei")
            uploaded = await stack.http.post(
                f"/api/v1/projects/{journey.project_id}/drafts", headers=await people("li.wei"),
                files={"file": ("讨论稿.pdf", draft, "application/pdf")}, data={"label": "discussion"})
            assert uploaded.status_code == 201, uploaded.text
            await journey.complete("wang.fang", "screen_proposal", {"decision": "accept", "comment": "In scope."})
            for member in MEMBERS[:3]:
                await journey.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})
            assert (await journey.project())["stage"] == "committee_review"
            audit_before = await journey.audit()
    finally:
        await engine.dispose()
    # The API and the worker are stopped: nothing changes while the backup is taken.

    archive = tmp_path / "standardflow-backup.tar.gz"
    made = backups.backup(settings_for(before, source), archive)
    assert made.blobs >= 1 and made.rows["project"] >= 1 and made.rows["task"] >= 6
    assert made.keys == ["decision", "signing"] and made.keys_from_settings == ["payload"]

    restored = backups.restore(settings_for(after, fresh_database), archive)
    assert restored.rows == made.rows
    assert [p.name for p in stored_files(after / "blobs")] == [hashlib.sha256(draft).hexdigest()]
    for name in ("signing-keys.json", "decision-keys.json"):
        assert (after / name).read_bytes() == (before / name).read_bytes()
        assert (after / name).stat().st_mode & 0o077 == 0

    moved = create_engine(fresh_database)
    try:
        async with transaction(session_factory(moved)) as session:
            chain = await verify_chain(session)
        assert chain.intact and chain.checked >= len(audit_before)
        async with app_stack(moved, temporal_client, after, queue) as stack:
            people.http = stack.http  # the tokens signed before the backup are still good
            journey.people = people
            assert (await journey.project("li.wei"))["stage"] == "committee_review"
            [listed] = (await stack.http.get(f"/api/v1/projects/{journey.project_id}/drafts",
                                             headers=await people("li.wei"))).json()
            download = await stack.http.get(f"/api/v1/drafts/{listed['id']}/file", headers=await people("li.wei"))
            assert download.status_code == 200 and download.content == draft

            for member in MEMBERS[3:]:
                await journey.complete(member, "ballot_vote", {"decision": "approve", "comment": ""})
            await journey.stage("drafting")
            await journey.submit_consultation_draft("li.wei")
            await journey.stage("public_consultation")
            audit_after = await journey.audit()
            assert audit_after[:len(audit_before)] == audit_before and len(audit_after) > len(audit_before)
            versions = (await stack.http.get(f"/api/v1/projects/{journey.project_id}/drafts",
                                             headers=await people("li.wei"))).json()
            assert sorted(v["label"] for v in versions) == ["consultation", "discussion"]
    finally:
        await moved.dispose()


# ---------------------------------------------------------------- refusals, on SQLite


@pytest.fixture
def backed_up(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """A demo installation under source/ (its database, a stored file, its keys) and its backup."""
    source = tmp_path / "source"
    monkeypatch.setenv("STANDARDFLOW_VAR_DIR", str(source))
    monkeypatch.delenv("STANDARDFLOW_DATABASE_URL", raising=False)
    assert invoke("seed-demo").exit_code == 0
    for ring in ("decision", "payload"):
        Settings(var_dir=source).key_ring(ring)  # made on first use, as the API and the worker do
    archive = tmp_path / "demo.tar.gz"
    made = invoke("backup", str(archive))
    assert made.exit_code == 0, made.output
    assert "86 rows in 30 tables, 0 draft files, key files: decision, payload" in made.output
    return source, archive


def invoke(*args: str):
    """The command, reading its settings afresh (get_settings keeps them for the process)."""
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        get_settings.cache_clear()


def rows_in(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM user_account").fetchone()[0]


@pytest.mark.timeout(60)
def test_a_restore_that_would_overwrite_anything_is_refused_and_changes_nothing(backed_up, tmp_path, monkeypatch):
    source, archive = backed_up

    monkeypatch.setenv("STANDARDFLOW_VAR_DIR", str(source))  # the installation the backup came from
    refused = invoke("restore", str(archive))
    assert refused.exit_code == 1
    assert "the database already holds data" in refused.output and "restore into an empty database" in refused.output

    target = tmp_path / "target"
    (target / "blobs" / "ab").mkdir(parents=True)
    (target / "blobs" / "ab" / "stray").write_bytes(b"x")
    monkeypatch.setenv("STANDARDFLOW_VAR_DIR", str(target))
    refused = invoke("restore", str(archive))
    assert refused.exit_code == 1 and "already holds files" in refused.output
    assert not (target / "standardflow.db").exists()

    (target / "blobs" / "ab" / "stray").unlink()
    (target / "decision-keys.json").write_text('{"keys": []}')
    refused = invoke("restore", str(archive))
    assert refused.exit_code == 1 and "exists with other keys" in refused.output
    assert (target / "decision-keys.json").read_text() == '{"keys": []}'
    assert not (target / "signing-keys.json").exists() and not (target / "standardflow.db").exists()

    (target / "decision-keys.json").unlink()
    done = invoke("restore", str(archive))
    assert done.exit_code == 0, done.output
    assert rows_in(target / "standardflow.db") == rows_in(source / "standardflow.db") > 0
    assert (target / "decision-keys.json").read_bytes() == (source / "decision-keys.json").read_bytes()

    again = invoke("backup", str(archive))
    assert again.exit_code == 1 and "exists already" in again.output


@pytest.mark.timeout(60)
def test_a_damaged_or_foreign_archive_is_refused(backed_up, tmp_path, monkeypatch):
    _, archive = backed_up
    monkeypatch.setenv("STANDARDFLOW_VAR_DIR", str(tmp_path / "target"))

    foreign = tmp_path / "notes.tar.gz"
    foreign.write_bytes(b"not an archive")
    out = invoke("restore", str(foreign))
    assert out.exit_code == 1 and "is not a StandardFlow backup" in out.output

    out = invoke("restore", str(tmp_path / "missing.tar.gz"))
    assert out.exit_code == 1 and "no backup at" in out.output

    # the same archive with the rows of one table cut short
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive, "r:gz") as good, tarfile.open(damaged, "w:gz") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()
            if member.name == "tables/user_account.jsonl":
                data = b"\n".join(data.splitlines()[:-1]) + b"\n"
                member.size = len(data)
            bad.addfile(member, io.BytesIO(data))
    out = invoke("restore", str(damaged))
    assert out.exit_code == 1 and "table user_account holds" in out.output
    assert not (tmp_path / "target").exists()
