"""Uploaded files, kept under the SHA-256 of their bytes: the same bytes are kept once, a file is only
ever seen whole (written beside the store, then renamed into place), and no name a user chose
ever becomes a path."""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from services.errors import DomainError

_CHUNK = 1 << 16
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TooLarge(DomainError):
    status_code = 413


@dataclass(frozen=True)
class StagedBlob:
    path: Path  # a temporary file inside the store, removed unless kept
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @contextmanager
    def staging(self, source: BinaryIO, max_bytes: int) -> Iterator[StagedBlob]:
        """Copies `source` into a temporary file, hashing it on the way; TooLarge past `max_bytes`."""
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=incoming)
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, size = _copy(source, out, max_bytes)
                out.flush()
                os.fsync(out.fileno())
            yield StagedBlob(path=path, sha256=sha256, size=size)
        finally:
            path.unlink(missing_ok=True)

    def keep(self, staged: StagedBlob) -> Path:
        """Moves the staged file to its place; when those bytes are stored already, the copy is dropped."""
        final = self.path_for(staged.sha256)
        if not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.path, final)  # atomic within one file system: readers see all or nothing
        return final


def _copy(source: BinaryIO, out: BinaryIO, max_bytes: int) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge("error.file.too_large", max_bytes=max_bytes)
        digest.update(chunk)
        out.write(chunk)
    return digest.hexdigest(), size
