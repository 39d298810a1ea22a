"""The `standardflow` command."""

import asyncio
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import typer

from services.audit.service import Anchor, verify_chain
from services.crypto.keyring import KeyRing, KeyRingError
from services.db import create_engine, session_factory, transaction
from services.demo import DEMO_PASSWORD, summary
from services.identity.keys import SigningKeys
from services.identity.schemas import UserCreate
from services.identity.service import create_user as create_user_account
from standardflow import backup as backups
from standardflow import database, logs, runtime
from standardflow.config import get_settings

app = typer.Typer(help="StandardFlow: developing standards together.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.")
app.add_typer(audit_app, name="audit")
keys_app = typer.Typer(help="The built-in issuer's signing keys (a running API picks up changes by itself).")
app.add_typer(keys_app, name="keys")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    database.upgrade(get_settings().resolved_database_url)
    typer.echo("database is up to date")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create the demo organisations, committee and accounts (once)."""
    settings = get_settings()
    database.upgrade(settings.resolved_database_url)
    created = asyncio.run(runtime.seed(settings))
    typer.echo("demo data created" if created else "demo data was there already")


@app.command()
def backup(archive: Path = typer.Argument(..., help="the archive to write (a new .tar.gz file)")) -> None:
    """Back up what StandardFlow owns: the database, the stored drafts and the key files (not Temporal's
    persistence: see README, "Backup and restore", for the order)."""
    try:
        report = backups.backup(get_settings(), archive)
    except backups.BackupError as exc:
        typer.echo(f"backup failed: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"backed up to {archive}")
    for line in report.lines():
        typer.echo(line)


@app.command()
def restore(archive: Path = typer.Argument(..., help="an archive `standardflow backup` wrote")) -> None:
    """Restore a backup into an empty database, blob store and key files, then bring the schema up to date."""
    try:
        report = backups.restore(get_settings(), archive)
    except backups.BackupError as exc:
        typer.echo(f"restore failed: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"restored the backup made at {report.made_at}")
    for line in report.lines():
        typer.echo(line)


@app.command("create-user")
def create_user(
    username: str,
    display_name: str = typer.Option(..., help="the name shown to others"),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    email: str | None = None,
    platform_admin: bool = typer.Option(False, help="may create organisations"),
) -> None:
    """Create a built-in account."""
    settings = get_settings()

    async def _create() -> None:
        engine = create_engine(settings.resolved_database_url)
        try:
            async with transaction(session_factory(engine)) as session:
                data = UserCreate(username=username, display_name=display_name, password=password, email=email)
                await create_user_account(session, data, platform_admin=platform_admin)
        finally:
            await engine.dispose()

    asyncio.run(_create())
    typer.echo(f"created {username}")


@app.command()
def worker() -> None:
    """Run the Temporal worker: every workflow and activity, on the configured task queue."""
    runtime.follow_dev_parent()
    logs.configure(get_settings().log_format)
    asyncio.run(runtime.run_worker(get_settings()))
    _exit_at_once(0)


@app.command()
def api() -> None:
    """Run the web front end and API."""
    runtime.follow_dev_parent()
    logs.configure(get_settings().log_format)
    runtime.run_api(get_settings())
    _exit_at_once(0)


def _exit_at_once(code: int) -> None:
    """Ends a process that has stopped cleanly without the interpreter's finalisation: the Temporal
    SDK's native threads can still call into Python while it tears down, which aborts the process
    (SIGABRT, "PyGILState_Release ... finalizing") after all the work was done and saved."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@app.command()
def dev() -> None:
    """Everything on one machine: Temporal's dev server, migrations, demo data, the worker and the API."""
    settings = get_settings()
    # Started in the background of a script, the process inherits SIGINT ignored and Python then never
    # raises KeyboardInterrupt: Ctrl-C (or `kill -INT`) stops everything however this was started. A
    # process manager's SIGTERM and a closed terminal's SIGHUP stop everything the same way; and should
    # this process die without a word (SIGKILL), each child is told to stop by the kernel.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    children: list[subprocess.Popen] = []
    try:
        if settings.embedded_temporal:
            children.append(runtime.start_dev_server(settings, die_with_parent_process=True))
        database.upgrade(settings.resolved_database_url)
        asyncio.run(runtime.seed(settings))
        env = {**os.environ, "STANDARDFLOW_TEMPORAL_ADDRESS": settings.resolved_temporal_address,
               runtime.PARENT_ENV: str(os.getpid())}
        for part in ("worker", "api"):
            children.append(subprocess.Popen([sys.executable, "-m", "standardflow", part], env=env))
        runtime.wait_for_port(settings.api_host, settings.api_port, timeout=60, process=children[-1])
        _announce(settings)
        _wait_for_any(children)
    except KeyboardInterrupt:
        typer.echo("\nstopping…")
    finally:
        _stop(children, grace=settings.worker_grace_seconds)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _announce(settings) -> None:  # noqa: ANN001
    base = settings.public_base_url.rstrip("/")
    typer.echo(f"\nStandardFlow is running\n  app:         {base}/\n  API docs:    {base}/docs")
    listening = f"http://{settings.api_host}:{settings.api_port}"
    if not base.startswith(listening):
        typer.echo(f"  listening:   {listening}")
    if settings.embedded_temporal:
        typer.echo(f"  Temporal UI: http://127.0.0.1:{settings.temporal_ui_port}")
    typer.echo(f"\nDemo accounts (password {DEMO_PASSWORD}):")
    for username, org, roles in summary():
        typer.echo(f"  {username:<12} {org:<8} {roles}")
    typer.echo("\nCtrl-C stops everything.")


def _wait_for_any(children: list[subprocess.Popen]) -> None:
    while all(child.poll() is None for child in children):
        try:
            children[0].wait(timeout=1)
        except subprocess.TimeoutExpired:
            continue


def _stop(children: list[subprocess.Popen], grace: int) -> None:
    """Stops the API, the worker (which lets its activities finish for `grace` seconds) and the
    Temporal server, in that order; whoever has not stopped a while later is killed."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):  # a second signal does not cut this short
        signal.signal(sig, signal.SIG_IGN)
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT if child is not children[0] else signal.SIGTERM)
    for child in reversed(children):
        try:
            child.wait(timeout=grace + 15)
        except subprocess.TimeoutExpired:
            child.kill()


@audit_app.command("verify")
def audit_verify(
    anchor: str = typer.Option("", help="ID:HASH of a record printed by an earlier verify and kept elsewhere: "
                                        "the chain must still hold it, so that neither a cut end nor a chain "
                                        "rewritten up to it goes unseen"),
) -> None:
    """Check the audit trail's hash chain; name the first broken record. Prints the chain's head to
    keep outside the database, as the anchor of a later check."""
    settings = get_settings()
    try:
        anchored = Anchor.parse(anchor) if anchor else None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None

    async def _verify():
        engine = create_engine(settings.resolved_database_url)
        try:
            async with session_factory(engine)() as session:
                return await verify_chain(session, anchor=anchored)
        finally:
            await engine.dispose()

    report = asyncio.run(_verify())
    if report.intact:
        typer.echo(f"audit chain intact: {report.checked} records")
        if report.head is not None:
            typer.echo(f"head: {report.head}")
        return
    typer.echo(f"audit chain broken at record {report.first_broken_id}: {report.reason}", err=True)
    raise typer.Exit(code=1)


@keys_app.command("list")
def keys_list() -> None:
    """The key ids, newest first: the first signs new tokens, the others only verify."""
    keys = SigningKeys(get_settings().resolved_signing_key_path)
    for index, kid in enumerate(keys.key_ids):
        typer.echo(f"{kid}  {'signing' if index == 0 else 'verifying only'}")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Sign new tokens with a new key; tokens signed with the older keys stay valid until they expire."""
    kid = SigningKeys(get_settings().resolved_signing_key_path).rotate()
    typer.echo(f"new signing key {kid}")


@keys_app.command("remove")
def keys_remove(kid: str) -> None:
    """Stop accepting tokens signed with a key: remove it once its tokens have expired (or at once, if it leaked)."""
    keys = SigningKeys(get_settings().resolved_signing_key_path)
    try:
        keys.remove(kid)
    except KeyError:
        typer.echo(f"no signing key has the id {kid}", err=True)
        raise typer.Exit(code=1) from None
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"removed key {kid}")


@keys_app.command("ring")
def keys_ring(
    add_to: str = typer.Option("", "--add-to", envvar="STANDARDFLOW_RING_TO_ROTATE",
                               help="an existing ring: print it with a new key in front (rotation)"),
) -> None:
    """Print a key ring for STANDARDFLOW_DECISION_KEYS or STANDARDFLOW_PAYLOAD_KEYS: a new one, or an
    existing one with a new key in front. Keep the old keys while anything they protect must be read."""
    try:
        ring = KeyRing.parse(add_to, "--add-to").rotated() if add_to.strip() else KeyRing.generate()
    except KeyRingError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=1) from None
    typer.echo(ring.format())
