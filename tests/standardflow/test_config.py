import pytest
from pydantic import ValidationError

from services.crypto.keyring import KeyRing
from standardflow.config import Settings

RINGS = {"decision_keys": KeyRing.generate().format(), "payload_keys": KeyRing.generate().format()}


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="STANDARDFLOW_SESSION_SECRET must be set"):
        Settings(environment="production")


def test_production_starts_with_a_secret_of_its_own():
    secret = "s3cret-from-the-vault-0123456789abcdef"
    assert Settings(environment="production", session_secret=secret, **RINGS).environment == "production"
    for weak in ("s3cret", "REPLACE_ME-REPLACE_ME-REPLACE_ME-REPLACE_ME"):
        with pytest.raises(ValidationError, match="at least 32 characters"):
            Settings(environment="production", session_secret=weak, **RINGS)


@pytest.mark.parametrize("name", ["decision_keys", "payload_keys"])
def test_production_needs_the_key_rings_the_api_and_the_worker_share(name):
    secret = "s3cret-from-the-vault-0123456789abcdef"
    with pytest.raises(ValidationError, match=f"STANDARDFLOW_{name.upper()} must be set in production"):
        Settings(environment="production", session_secret=secret, **{**RINGS, name: ""})
    with pytest.raises(ValidationError, match=f"STANDARDFLOW_{name.upper()}: each key is written kid:base64"):
        Settings(**{name: "no-key-id"})
    with pytest.raises(ValidationError, match="32 bytes"):
        Settings(**{name: "k1:c2hvcnQ"})


def test_outside_production_the_processes_of_a_machine_share_a_ring_made_once(tmp_path):
    first = Settings(var_dir=tmp_path).key_ring("payload")
    assert Settings(var_dir=tmp_path).key_ring("payload") == first
    assert Settings(var_dir=tmp_path).key_ring("decision") != first
    assert (tmp_path / "payload-keys.json").stat().st_mode & 0o777 == 0o600
    rotated = first.rotated("next")
    assert Settings(payload_keys=rotated.format()).key_ring("payload").current[0] == "next"
    assert Settings(payload_keys=rotated.format()).key_ring("payload").get(first.current[0]) == first.current[1]


def test_defaults_are_the_embedded_ones(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = Settings(var_dir=tmp_path / "var")
    assert settings.embedded_temporal
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'var' / 'standardflow.db').resolve()}"
    assert settings.resolved_temporal_address == "127.0.0.1:7233"


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("STANDARDFLOW_TEMPORAL_ADDRESS", "temporal.internal:7233")
    monkeypatch.setenv("STANDARDFLOW_DATABASE_URL", "postgresql://sf@db/sf")
    settings = Settings()
    assert not settings.embedded_temporal
    assert settings.resolved_database_url == "postgresql://sf@db/sf"


def test_policy_overrides_are_checked_when_settings_load(monkeypatch):
    monkeypatch.setenv("STANDARDFLOW_POLICY_OVERRIDES", '{"local": {"consultation_days": 45}}')
    assert Settings().policy_overrides == {"local": {"consultation_days": 45}}
    with pytest.raises(ValidationError, match="consultation_dayz"):
        Settings(policy_overrides={"*": {"consultation_dayz": 3}})
    with pytest.raises(ValidationError, match="unknown standard types: regional"):
        Settings(policy_overrides={"regional": {"consultation_days": 3}})
    with pytest.raises(ValidationError, match="valid integer"):
        Settings(policy_overrides={"*": {"ballot": {"open_days": "soon"}}})
