"""The one settings object. Every value comes from STANDARDFLOW_* variables or a .env file."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.crypto.keyring import KeyRing
from services.notifications.mail import MailConfig
from services.notifications.messages import NoticeSite
from services.projects.policy import check_overrides

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
    # The Temporal UI's origin (scheme://host:port), the one origin whose browser calls to the codec
    # endpoint (api/routes/codec.py) are answered with CORS and credentials; empty means the embedded
    # UI's, http://127.0.0.1:<temporal_ui_port>.
    temporal_ui_origin: str = ""
    # A secured Temporal cluster or Temporal Cloud: TLS (the CA that signed the frontend's certificate,
    # else the system's), a client certificate and key for mutual TLS, the name the frontend's
    # certificate is checked against when it differs from the address's host, and an API key.
    temporal_tls: bool = False
    temporal_tls_ca_path: Path | None = None
    temporal_tls_cert_path: Path | None = None
    temporal_tls_key_path: Path | None = None
    temporal_tls_server_name: str = ""
    temporal_api_key: SecretStr = SecretStr("")
    task_queue: str = "standardflow"
    # Key rings (services/crypto/keyring.py), written "kid:base64key,..." newest first. The API signs
    # each decision it has authorised with the first decision key and the worker applies only decisions
    # that one of them verifies; every payload sent to Temporal is encrypted with the first payload key
    # and read with any. Required in production; elsewhere made once under var_dir when not set.
    decision_keys: SecretStr = SecretStr("")
    payload_keys: SecretStr = SecretStr("")
    # What a Prometheus scrape of the API's /metrics sends as its bearer token. Unset, /metrics answers
    # anyone outside production and nobody in it.
    metrics_token: SecretStr = SecretStr("")
    # Workflows the worker keeps in memory between their events (about 0.6 MB each); one that has
    # left the cache is replayed from its history when it next has work. Sized for a worker ≤ 300 MB.
    worker_max_cached_workflows: int = 150
    # Where `standardflow worker` answers /healthz and /readyz for a liveness or readiness probe;
    # no port (the default) serves none.
    worker_health_host: str = "127.0.0.1"
    worker_health_port: int | None = None
    # Where traces go, by OTLP over HTTP (e.g. http://collector:4318/v1/traces); empty: nothing is traced.
    otlp_endpoint: str = ""
    # "json": one JSON object per log line, with the request id and the trace id (standardflow/logs.py).
    log_format: Literal["text", "json"] = "text"
    # How long a stopping worker lets the activities under way finish before it cancels them.
    worker_grace_seconds: int = 20
    # The length of a policy day for projects started from now on: 86400 in real use; a
    # demonstration or benchmark may compress the calendar (e.g. 1 makes a 30-day consultation last 30 s).
    policy_day_seconds: int = 86_400
    # Fields of the standard types' policies that this deployment runs differently, for every type
    # under "*" or per type, e.g. {"local": {"consultation_days": 45}} — JSON in the environment.
    policy_overrides: dict[str, dict[str, Any]] = {}
    signing_key_path: Path | None = None
    token_ttl_minutes: int = 60
    session_secret: str = DEFAULT_SESSION_SECRET
    # Where people reach the API and its pages; unset, the address the API listens on
    # (http://127.0.0.1:<api_port> when it listens on every interface).
    public_base_url: str = "http://127.0.0.1:8000"
    # The IANA zone the pages and the notices show times in, whatever the server's own zone.
    time_zone: str = "Asia/Shanghai"
    blob_dir: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    # Any request body but an upload; past it the answer is 413 (an upload may have max_upload_bytes
    # and a little room for its form fields).
    max_body_bytes: int = 1024 * 1024
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # Notifications are mailed through this SMTP server; an empty host keeps them in the outbox only.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "StandardFlow <noreply@standardflow.localhost>"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    # An OpenID Connect provider beside the built-in accounts; empty issuer means none.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile email"
    # The `aud` API bearer tokens must carry: required with a provider, and never the client id (an ID
    # token carries the client id, and must not pass as an API token).
    oidc_audience: str = ""
    # The `typ` header a provider puts on its access tokens (RFC 9068); empty for a provider that does
    # not mark them, whose ID tokens are then told apart by their claims (see docs/oidc.md).
    oidc_access_token_typ: str = "at+jwt"
    oidc_groups_claim: str = ""  # e.g. "groups": values "ORGCODE:role" become memberships
    # Which of the groups claim's "ORGCODE:role" values may grant a role, comma-separated; "*" stands
    # for any organisation or any role, but never for admin, which is granted only where named.
    # Empty: the claim grants nothing.
    oidc_groups_allowed: str = ""
    oidc_display_name: str = "Single sign-on"
    oidc_leeway_seconds: int = 30
    # The provider's published keys are fetched again this often at most (a dropped key stops verifying
    # within it), and on an unknown key id, but then not more often than the minimum.
    oidc_jwks_refresh_seconds: int = 3600
    oidc_jwks_min_refresh_seconds: int = 10
    web_session_hours: int = 12
    # Password sign-in (services/identity/throttle.py): one address may fail this often at one account
    # before each further try there waits, first login_first_delay_seconds, doubling up to the most.
    login_failures_before_delay: int = 5
    login_first_delay_seconds: float = 2
    login_max_delay_seconds: float = 900
    # One address's failures at all accounts together before its tries wait in the same way.
    login_max_failures_per_address: int = 50
    # An account failed at this often (from every address) gives each address one failure before it waits.
    login_max_failures_per_account: int = 20
    # How long a failure counts; longer than the longest delay, or a patient guesser would start afresh.
    login_failure_window_seconds: int = 86_400
    # Proxies whose X-Forwarded-For names the client (comma-separated addresses or networks, "*" for
    # any); none by default, so a client cannot pick the address its sign-in failures count against.
    trusted_proxies: str = ""

    @model_validator(mode="after")
    def _public_base_url_of_the_api_port(self) -> "Settings":
        if "public_base_url" not in self.model_fields_set:
            host = "127.0.0.1" if self.api_host in ("", "0.0.0.0", "::") else self.api_host
            host = f"[{host}]" if ":" in host else host
            self.public_base_url = f"http://{host}:{self.api_port}"
        return self

    @model_validator(mode="after")
    def _policy_overrides_fit_the_policies(self) -> "Settings":
        check_overrides(self.policy_overrides)
        return self

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"STANDARDFLOW_TIME_ZONE {name!r} is not an IANA time zone (e.g. Asia/Shanghai)") from exc
        return name

    @model_validator(mode="after")
    def _temporal_client_certificate_with_its_key(self) -> "Settings":
        if bool(self.temporal_tls_cert_path) != bool(self.temporal_tls_key_path):
            raise ValueError("STANDARDFLOW_TEMPORAL_TLS_CERT_PATH and STANDARDFLOW_TEMPORAL_TLS_KEY_PATH go together: "
                             "a client certificate for mutual TLS needs its private key")
        return self

    @property
    def temporal_uses_tls(self) -> bool:
        """TLS when asked for, or implied by a CA, a client certificate, a server name or an API key."""
        return self.temporal_tls or any((self.temporal_tls_ca_path, self.temporal_tls_cert_path,
                                         self.temporal_tls_server_name, self.temporal_api_key.get_secret_value()))

    @model_validator(mode="after")
    def _oidc_api_audience_of_its_own(self) -> "Settings":
        if not self.oidc_issuer:
            return self
        if not self.oidc_audience:
            raise ValueError(
                "STANDARDFLOW_OIDC_AUDIENCE must be set with STANDARDFLOW_OIDC_ISSUER: the `aud` the provider "
                "puts in access tokens for StandardFlow's API (see docs/oidc.md)"
            )
        if self.oidc_audience == self.oidc_client_id:
            raise ValueError(
                "STANDARDFLOW_OIDC_AUDIENCE must not be the client id: ID tokens carry the client id as their "
                "audience, and an ID token is not an API token"
            )
        if self.oidc_groups_claim and not self.oidc_groups_allowed_list:
            raise ValueError(
                "STANDARDFLOW_OIDC_GROUPS_ALLOWED must name what the groups claim may grant (e.g. \"*:*\" for any "
                "role but admin in any organisation) when STANDARDFLOW_OIDC_GROUPS_CLAIM is set"
            )
        return self

    @field_validator("oidc_jwks_refresh_seconds")
    @classmethod
    def _jwks_refreshed_at_least_hourly(cls, seconds: int) -> int:
        if not 1 <= seconds <= 3600:
            raise ValueError("STANDARDFLOW_OIDC_JWKS_REFRESH_SECONDS must be between 1 and 3600")
        return seconds

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "Settings":
        weak = self.session_secret == DEFAULT_SESSION_SECRET or "REPLACE_ME" in self.session_secret \
            or len(self.session_secret) < 32
        if self.environment == "production" and weak:
            raise ValueError(
                "STANDARDFLOW_SESSION_SECRET must be set to a secret of your own in production "
                "(at least 32 characters)"
            )
        return self

    @model_validator(mode="after")
    def _key_rings_in_production(self) -> "Settings":
        for name in ("decision_keys", "payload_keys"):
            text = getattr(self, name).get_secret_value()
            if text:
                KeyRing.parse(text, f"STANDARDFLOW_{name.upper()}")
            elif self.environment == "production":
                raise ValueError(f"STANDARDFLOW_{name.upper()} must be set in production: the API and the "
                                 "worker must share it (e.g. from one secret)")
        return self

    def key_ring(self, name: str) -> KeyRing:
        """The decision or payload key ring: from the setting, else (outside production) var_dir's file."""
        text = getattr(self, f"{name}_keys").get_secret_value()
        if text:
            return KeyRing.parse(text, f"STANDARDFLOW_{name.upper()}_KEYS")
        return KeyRing.from_file(self.var_dir / f"{name}-keys.json")

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
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def oidc_groups_allowed_list(self) -> tuple[str, ...]:
        return tuple(value.strip() for value in self.oidc_groups_allowed.split(",") if value.strip())

    @property
    def mail(self) -> MailConfig | None:
        """Where the worker mails notifications; None when no SMTP host is set."""
        if not self.smtp_host:
            return None
        return MailConfig(host=self.smtp_host, port=self.smtp_port, sender=self.smtp_sender, starttls=self.smtp_starttls,
                          username=self.smtp_username, password=self.smtp_password.get_secret_value())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def notice_site(self) -> NoticeSite:
        """What the notices need of the deployment: its time zone and the address its pages are at."""
        return NoticeSite(zone=self.zone, base_url=self.public_base_url.rstrip("/"))

    @property
    def embedded_temporal(self) -> bool:
        return not self.temporal_address

    @property
    def resolved_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def resolved_temporal_ui_origin(self) -> str:
        return self.temporal_ui_origin.rstrip("/") or f"http://127.0.0.1:{self.temporal_ui_port}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
