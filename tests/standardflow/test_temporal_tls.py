"""A secured Temporal frontend: Debian's nginx terminates TLS in front of the dev server, demands a
client certificate signed by the deployment's CA (`ssl_verify_client on`) and passes gRPC on. With the
CA, the certificate and key, and the server's name in the settings, StandardFlow's client connects;
without the certificate, with one from another CA, or without trusting the server's CA, it does not."""

import asyncio
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pydantic import ValidationError
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

from standardflow.config import Settings
from standardflow.temporal import temporal_client as client_for
from workflows.client import answers

pytestmark = pytest.mark.timeout(120)

SERVER_NAME = "temporal.standardflow.test"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Issued:
    cert: Path
    key: Path


class Authority:
    """A certificate authority of the test's own, writing what it issues as PEM files under `folder`."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder, self.name = folder, name
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} CA")])
        self.cert = self._build(subject, subject, self.key.public_key(), ca=True).sign(self.key, hashes.SHA256())
        self.path = folder / f"{name}-ca.pem"
        self.path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def _build(self, subject, issuer, public_key, ca: bool) -> x509.CertificateBuilder:  # noqa: ANN001
        now = datetime.now(UTC)
        return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
                .not_valid_after(now + timedelta(days=1))
                .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))

    def issue(self, common_name: str, server: bool) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        builder = self._build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]), self.cert.subject,
                              key.public_key(), ca=False)
        if server:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(common_name), x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        stem = self.folder / f"{self.name}-{common_name}"
        issued = Issued(cert=stem.with_suffix(".pem"), key=stem.with_suffix(".key"))
        issued.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        issued.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
        return issued


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class SecuredFrontend:
    address: str
    ca: Authority
    client: Issued
    stranger: Issued


@pytest.fixture
def secured_frontend(temporal_client, tmp_path: Path):  # the suite's dev server, behind nginx
    ca, other = Authority(tmp_path, "deployment"), Authority(tmp_path, "stranger")
    server = ca.issue(SERVER_NAME, server=True)
    port, upstream = _free_port(), temporal_client.service_client.config.target_host
    (tmp_path / "temp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{}}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/temp/body;
  proxy_temp_path {tmp_path}/temp/proxy;
  fastcgi_temp_path {tmp_path}/temp/fastcgi;
  uwsgi_temp_path {tmp_path}/temp/uwsgi;
  scgi_temp_path {tmp_path}/temp/scgi;
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {server.cert};
    ssl_certificate_key {server.key};
    ssl_client_certificate {ca.path};
    ssl_verify_client on;
    location / {{ grpc_pass grpc://{upstream}; }}
  }}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "nginx did not listen"
            time.sleep(0.1)
        yield SecuredFrontend(address=f"127.0.0.1:{port}", ca=ca, client=ca.issue("standardflow-worker", server=False),
                              stranger=other.issue("standardflow-worker", server=False))
    finally:
        process.terminate()
        process.wait(timeout=10)


def _settings(frontend: SecuredFrontend, **values) -> Settings:
    return Settings(temporal_address=frontend.address, temporal_tls_server_name=SERVER_NAME, **values)


async def _connects(settings: Settings) -> bool:
    try:
        client = await asyncio.wait_for(client_for(settings), timeout=30)
    except Exception:  # noqa: BLE001 - refused, whichever way the TLS handshake or gRPC says it
        return False
    return await answers(client)


async def test_the_client_connects_through_mutual_tls_with_the_deployments_certificate(secured_frontend):
    frontend = secured_frontend
    settings = _settings(frontend, temporal_tls_ca_path=frontend.ca.path, temporal_tls_cert_path=frontend.client.cert,
                         temporal_tls_key_path=frontend.client.key)
    client = await client_for(settings)
    assert await answers(client)
    namespace = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
    assert namespace.namespace_info.name == "default"


async def test_without_the_right_certificate_or_ca_the_client_is_refused(secured_frontend):
    frontend = secured_frontend
    assert not await _connects(_settings(frontend, temporal_tls_ca_path=frontend.ca.path)), "no client certificate"
    assert not await _connects(_settings(frontend, temporal_tls_ca_path=frontend.ca.path,
                                         temporal_tls_cert_path=frontend.stranger.cert,
                                         temporal_tls_key_path=frontend.stranger.key)), "another CA's certificate"
    assert not await _connects(_settings(frontend, temporal_tls_cert_path=frontend.client.cert,
                                         temporal_tls_key_path=frontend.client.key)), "the server's CA not trusted"
    assert not await _connects(Settings(temporal_address=frontend.address)), "plain gRPC to a TLS port"


def test_a_client_certificate_needs_its_key():
    with pytest.raises(ValidationError, match="go together"):
        Settings(temporal_tls_cert_path=Path("client.pem"))
