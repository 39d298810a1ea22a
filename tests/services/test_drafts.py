"""A draft's type is decided by its bytes; its file is kept by SHA-256, once, whole or not at all."""

import hashlib
import io

import pytest

from services.drafts import filetypes
from services.drafts.filetypes import UnsupportedDraftType, detect
from services.drafts.storage import BlobStore, TooLarge
from services.drafts.service import store_upload
from tests.services import draft_samples as samples


def _write(tmp_path, data: bytes, name: str = "upload"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("data", "name", "expected"), [
    (samples.pdf(), "draft.txt", filetypes.PDF),
    (samples.docx(), "draft.pdf", filetypes.DOCX),
    (samples.odt(), "draft", filetypes.ODT),
    (samples.markdown(), "草案.md", filetypes.MARKDOWN),
    (samples.markdown(), "草案.MARKDOWN", filetypes.MARKDOWN),
    (samples.markdown(), "draft.pdf", filetypes.TEXT),
    ("\ufeff第一章 范围\r\n\t本文件规定…\f".encode(), "scope.txt", filetypes.TEXT),
])
def test_accepted_types_are_recognised_by_content_whatever_the_name(tmp_path, data, name, expected):
    assert detect(_write(tmp_path, data), name) == expected


@pytest.mark.parametrize(("data", "name", "problem"), [
    (samples.elf(), "draft.pdf", "ELF executable"),
    (samples.pe(), "draft.docx", "Windows (PE) executable"),
    (b"#!/bin/sh\nrm -rf /\n", "draft.md", "script"),
    (samples.plain_zip(), "draft.docx", "neither a DOCX nor an ODT"),
    (samples.docm(), "draft.docx", "macros"),
    (b"PK\x03\x04 truncated", "draft.docx", "damaged"),
    ("第一章".encode("gb18030"), "draft.txt", "neither a document nor UTF-8 text"),
    (b"text with a \x00 byte", "draft.txt", "neither a document nor UTF-8 text"),
])
def test_other_content_is_refused_naming_what_it_is(tmp_path, data, name, problem):
    with pytest.raises(UnsupportedDraftType) as refused:
        detect(_write(tmp_path, data), name)
    assert problem in refused.value.message
    assert refused.value.status_code == 415


def test_a_utf8_character_split_across_read_chunks_is_still_text(tmp_path):
    data = b"a" * (filetypes._CHUNK - 1) + "范".encode() * 10
    assert detect(_write(tmp_path, data), "long.txt") == filetypes.TEXT


def test_the_same_bytes_are_stored_once_under_their_sha256(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    data = samples.pdf()
    first = store_upload(store, io.BytesIO(data), "a.pdf", max_bytes=10_000)
    second = store_upload(store, io.BytesIO(data), "../../etc/passwd", max_bytes=10_000)
    digest = hashlib.sha256(data).hexdigest()
    assert first == second
    assert (first.sha256, first.size, first.content_type) == (digest, len(data), filetypes.PDF)
    assert store.path_for(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert store.path_for(digest).read_bytes() == data
    stored = [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]
    assert stored == [store.path_for(digest)]


def test_an_upload_past_the_limit_is_refused_and_leaves_nothing_behind(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(TooLarge) as refused:
        store_upload(store, io.BytesIO(b"x" * 1001), "big.txt", max_bytes=1000)
    assert refused.value.status_code == 413 and "1000 bytes" in refused.value.message
    assert store_upload(store, io.BytesIO(b"x" * 1000), "fits.txt", max_bytes=1000).size == 1000
    assert len([p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]) == 1


def test_a_refused_type_leaves_nothing_behind(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    with pytest.raises(UnsupportedDraftType):
        store_upload(store, io.BytesIO(samples.elf()), "draft.pdf", max_bytes=10_000)
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []


def test_a_path_is_only_ever_made_from_a_digest(tmp_path):
    with pytest.raises(ValueError):
        BlobStore(tmp_path).path_for("../../etc/passwd")
