"""Payloads are encrypted before they reach Temporal: readable with the ring, nothing in clear without
it, old keys still read after a rotation, and payloads written before encryption pass through."""

import pytest
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload

from services.crypto.codec import ENCODING, KEY_ID, PayloadEncryption, PayloadUnreadable, data_converter
from services.crypto.keyring import KeyRing
from tests.workflows.histories import recorded

pytestmark = pytest.mark.timeout(30)

SECRET = "城市数字化转型 — open public data, scope known to the committee only"


class Comment(BaseModel):
    author: str
    text: str


def _json(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=f'"{text}"'.encode())


async def test_a_payload_is_sealed_whole_and_opened_with_the_ring():
    ring = KeyRing.generate("k1")
    codec = PayloadEncryption(ring)
    plain = _json(SECRET)
    first, second = await codec.encode([plain, plain])
    assert first.metadata["encoding"] == ENCODING and first.metadata[KEY_ID] == b"k1"
    assert set(first.metadata) == {"encoding", KEY_ID}  # the payload's own encoding is inside too
    assert SECRET.encode() not in first.SerializeToString() and b"json/plain" not in first.data
    assert first.data != second.data  # a fresh nonce each time
    assert await codec.decode([first, second]) == [plain, plain]


async def test_payloads_that_are_not_encrypted_pass_through_unchanged():
    codec = PayloadEncryption(KeyRing.generate())
    plain = [_json(SECRET), Payload(metadata={"encoding": b"binary/null"})]
    assert await codec.decode(plain) == plain


async def test_the_recorded_histories_written_in_clear_still_read():
    codec = PayloadEncryption(KeyRing.generate())
    # The first recording, made before payloads were encrypted (later sets carry a prefix).
    history = next(h for h in recorded() if h.workflow_id == "default-group-00-project")
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads
    assert list(started) and await codec.decode(list(started)) == list(started)


async def test_a_rotated_ring_still_reads_what_the_old_key_encrypted():
    old = KeyRing.generate("2025-01")
    sealed_before = await PayloadEncryption(old).encode([_json(SECRET)])
    rotated = old.rotated("2026-01")
    codec = PayloadEncryption(rotated)
    assert await codec.decode(sealed_before) == [_json(SECRET)]
    sealed_after = await codec.encode([_json(SECRET)])
    assert sealed_after[0].metadata[KEY_ID] == b"2026-01"
    # A process still on the old ring names the key it lacks.
    with pytest.raises(PayloadUnreadable, match="encrypted with key 2026-01, which is not in STANDARDFLOW_PAYLOAD_KEYS"):
        await PayloadEncryption(old).decode(sealed_after)


async def test_an_altered_or_relabelled_payload_is_refused_by_name():
    ring = KeyRing.generate("a").rotated("b")
    codec = PayloadEncryption(ring)
    [sealed] = await codec.encode([_json(SECRET)])
    altered = Payload(metadata=sealed.metadata, data=sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    with pytest.raises(PayloadUnreadable, match="does not decrypt with key b"):
        await codec.decode([altered])
    # The key id is bound to the ciphertext: relabelled with another key of the ring, it does not open.
    relabelled = Payload(metadata={"encoding": ENCODING, KEY_ID: b"a"}, data=sealed.data)
    with pytest.raises(PayloadUnreadable, match="does not decrypt with key a"):
        await codec.decode([relabelled])
    with pytest.raises(PayloadUnreadable, match="without its key id"):
        await codec.decode([Payload(metadata={"encoding": ENCODING}, data=sealed.data)])


async def test_the_data_converter_turns_models_into_sealed_payloads_and_back():
    converter = data_converter(KeyRing.generate("k"))
    comment = Comment(author="王芳", text=SECRET)
    [payload] = await converter.encode([comment])
    assert payload.metadata[KEY_ID] == b"k" and SECRET.encode() not in payload.data
    assert "王芳".encode() not in payload.data
    assert await converter.decode([payload], [Comment]) == [comment]
