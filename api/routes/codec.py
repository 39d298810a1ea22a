"""The codec endpoint of the Temporal UI and CLI (Temporal's remote codec protocol): `POST /decode` and
`POST /encode` take `{"payloads": [{"metadata": {name: base64}, "data": base64}]}` and answer the same
shape, the payloads decrypted or encrypted with the payload key ring (services/crypto/codec.py).

Platform admins only. The UI calls it from the browser, at its own origin: the session cookie goes
with the call when the UI's codec setting "Include cross-origin credentials" is on; the UI sends no
CSRF token, so a signed-in session's call is taken without one only from the configured UI origin
(Settings.resolved_temporal_ui_origin, the one origin CORS allows: api/cors.py). A bearer token works
from anywhere, as from `temporal workflow show --codec-endpoint … --codec-auth "Bearer …"`."""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from google.protobuf import json_format
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from temporalio.api.common.v1 import Payload

from api.deps import SettingsDep, oauth2_scheme
from api.errors import refusals
from services.crypto.codec import PayloadEncryption
from services.errors import DomainError, Forbidden, Invalid
from services.identity.principal import Principal
from standardflow.endpoints import CODEC_PATH

router = APIRouter(prefix=CODEC_PATH, tags=["temporal codec"], responses=refusals(400, 401, 403, 404, 413, 422))


# Base64 as protobuf's JSON writes bytes: standard or URL-safe alphabet, padded or not, whole groups.
BASE64 = r"^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$"


def _base64(value: str) -> str:
    if not re.fullmatch(BASE64, value):
        raise ValueError("not base64 (the standard or URL-safe alphabet, in whole groups of four)")
    return value


# The pattern is in the schema for clients; the validator says in words what is wrong.
Base64 = Annotated[str, AfterValidator(_base64), Field(json_schema_extra={"pattern": BASE64})]


class WirePayload(BaseModel):
    """A Temporal payload in its JSON form, as the Temporal UI sends it."""

    model_config = ConfigDict(extra="forbid")

    metadata: dict[str, Base64] = Field(default_factory=dict, description="each value in base64")
    data: Base64 = Field("", description="base64")


class CodecPayloads(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payloads: list[WirePayload]


class CodecBadNamespace(DomainError):
    """A namespace this codec does not serve: there are no payloads of it to read here."""

    status_code = 404


async def platform_admin(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)], settings: SettingsDep
) -> Principal:
    from_ui = request.headers.get("origin") == settings.resolved_temporal_ui_origin
    principal = await request.app.state.authenticator.principal(request, token, check_csrf=not from_ui)
    if not principal.is_platform_admin:
        raise Forbidden("error.codec.admin_only")
    return principal


def payload_codec(request: Request, settings: SettingsDep,
                  namespace: Annotated[str | None, Header(alias="X-Namespace")] = None) -> PayloadEncryption:
    """The app's codec, for the one namespace StandardFlow writes to."""
    if namespace and namespace != settings.temporal_namespace:
        raise CodecBadNamespace("error.codec.namespace", namespace=settings.temporal_namespace, asked=namespace)
    codec = getattr(request.app.state, "payload_codec", None)
    if codec is None:
        codec = request.app.state.payload_codec = PayloadEncryption(settings.key_ring("payload"))
    return codec


AdminDep = Annotated[Principal, Depends(platform_admin)]
CodecDep = Annotated[PayloadEncryption, Depends(payload_codec)]


@router.post("/decode", response_model=CodecPayloads)
async def decode(body: CodecPayloads, _: AdminDep, codec: CodecDep) -> dict:
    """Decrypt payloads read from a Temporal history; payloads that are not encrypted come back as they
    are. An encrypted payload whose key id is not in the ring is refused (400), naming the key."""
    return _wire(await codec.decode(_payloads(body)))


@router.post("/encode", response_model=CodecPayloads)
async def encode(body: CodecPayloads, _: AdminDep, codec: CodecDep) -> dict:
    """Encrypt payloads with the current payload key, as StandardFlow sends them to Temporal (the UI
    encodes what an admin types to start or signal a workflow)."""
    return _wire(await codec.encode(_payloads(body)))


def _payloads(body: CodecPayloads) -> list[Payload]:
    payloads = []
    for index, item in enumerate(body.payloads):
        try:
            payloads.append(json_format.ParseDict(item.model_dump(), Payload()))
        except json_format.ParseError as exc:
            raise Invalid("error.codec.payload", field="payloads", index=index, reason=str(exc)) from None
    return payloads


def _wire(payloads: list[Payload]) -> dict[str, Any]:
    return {"payloads": [json_format.MessageToDict(payload) for payload in payloads]}
