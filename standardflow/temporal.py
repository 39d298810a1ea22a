"""The Temporal client as the settings describe it: the address and namespace, and for a secured
cluster TLS (CA, client certificate and key for mutual TLS, server name) and an API key."""

from collections.abc import Sequence

from temporalio.client import Client, Interceptor
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from services.crypto.codec import data_converter
from standardflow.config import Settings
from workflows.client import connect


def tls_config(settings: Settings) -> TLSConfig | bool:
    """False for a plain connection; otherwise the TLS the settings ask for, the files read now."""
    if not settings.temporal_uses_tls:
        return False

    def read(path) -> bytes | None:  # noqa: ANN001 - a Path or None
        return path.read_bytes() if path else None

    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_ca_path),
        client_cert=read(settings.temporal_tls_cert_path),
        client_private_key=read(settings.temporal_tls_key_path),
        domain=settings.temporal_tls_server_name or None,
    )


async def temporal_client(settings: Settings, runtime: Runtime | None = None,
                          interceptors: Sequence[Interceptor] = ()) -> Client:
    return await connect(settings.resolved_temporal_address, settings.temporal_namespace, tls=tls_config(settings),
                         api_key=settings.temporal_api_key.get_secret_value() or None,
                         data_converter=data_converter(settings.key_ring("payload")), runtime=runtime,
                         interceptors=interceptors)
