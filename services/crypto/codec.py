"""Every payload StandardFlow sends to Temporal is encrypted: a workflow's input, its updates and
queries, activities' arguments and results. Temporal, and anyone who reads its histories with the CLI
or the UI, sees only ciphertext; the worker and the API read them with the payload key ring.

An encrypted payload is the whole serialized payload (its own metadata and data) sealed with AES-256-GCM
under the ring's current key: a random 12-byte nonce followed by the ciphertext and its tag, with the
metadata `encoding: binary/encrypted` and the key's id, which is bound to the ciphertext as associated
data (a payload relabelled with another key id does not decrypt). Decoding picks the key by that id,
so a ring with a new key in front still reads what the older keys encrypted; a payload that is not
encrypted (a history written before encryption) passes through unchanged."""

import dataclasses
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

from services.crypto.keyring import KeyRing
from services.errors import DomainError

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class PayloadUnreadable(DomainError):
    """An encrypted payload that this ring cannot read: says which key or what is wrong."""

    status_code = 400


class PayloadEncryption(PayloadCodec):
    def __init__(self, ring: KeyRing) -> None:
        self.current_id = ring.current[0]
        self.ciphers = {kid: AESGCM(key) for kid, key in ring.keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.current_id].encrypt(nonce, payload.SerializeToString(), self.current_id.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: self.current_id.encode()}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        kid = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        if not kid:
            raise PayloadUnreadable("error.payload.no_key_id")
        cipher = self.ciphers.get(kid)
        if cipher is None:
            raise PayloadUnreadable("error.payload.unknown_key", key_id=kid)
        try:
            plain = cipher.decrypt(payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:], kid.encode())
            return Payload.FromString(plain)
        except (InvalidTag, ValueError, DecodeError):
            raise PayloadUnreadable("error.payload.undecryptable", key_id=kid) from None


def data_converter(ring: KeyRing) -> DataConverter:
    """The one converter of every client and worker: pydantic models to JSON, then encrypted."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=PayloadEncryption(ring))
