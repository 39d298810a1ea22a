"""The one settings object. Every value comes from STANDARDFLOW_* variables or a .env file."""

from functools import lru_cache
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SESSION_SECRET = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STANDARDFLOW_", env_file=".env", extra="ignore")

    environment: str = "development"
    var_dir: Path = Path("var")
    database_url: str = ""
    temporal_address: str = ""
    temporal_namespace: str = "default"
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    task_queue: str = "standardflow"
    signing_key_path: Path | None = None
    token_ttl_minutes: int = 60
    session_secret: str = DEFAULT_SESSION_SECRET
    public_base_url: str = "http://127.0.0.1:8000"
    blob_dir: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        if self.environment == "production" and self.session_secret == DEFAULT_SESSION_SECRET:
            raise ValueError(
                "STANDARDFLOW_SESSION_SECRET must be set to a secret of your own in production"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.var_dir / 'standardflow.db').resolve()}"

    @property
    def resolved_signing_key_path(self) -> Path:
        return self.signing_key_path or self.var_dir / "signing-keys.json"

    @property
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir or self.var_dir / "blobs"

    @property
    def embedded_temporal(self) -> bool:
        return not self.temporal_address

    @property
    def resolved_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
