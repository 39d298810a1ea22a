"""Symmetric keys with key ids, newest first: the first key signs or encrypts, every key listed
verifies or decrypts. Rotating puts a new key in front and keeps the old ones for as long as anything
they signed or encrypted must still be read (a Temporal history lives as long as its retention).

A ring is written `kid:key,kid:key` with each key 32 random bytes in URL-safe base64, as the settings
STANDARDFLOW_DECISION_KEYS and STANDARDFLOW_PAYLOAD_KEYS take it. Outside production a ring that is
not set is made once and kept in a file under the var directory, so the processes of one machine
share it."""

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_BYTES = 32


class KeyRingError(ValueError):
    """A ring that cannot be used: says what is wrong with it."""


@dataclass(frozen=True)
class KeyRing:
    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyRingError("a key ring needs at least one key")
        ids = [kid for kid, _ in self.keys]
        if len(set(ids)) != len(ids):
            raise KeyRingError("a key id appears twice in the key ring")
        for kid, key in self.keys:
            if not kid or len(key) != KEY_BYTES:
                raise KeyRingError(f"key {kid!r} must have an id and {KEY_BYTES} bytes")

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def get(self, kid: str) -> bytes | None:
        return dict(self.keys).get(kid)

    @classmethod
    def generate(cls, kid: str | None = None) -> "KeyRing":
        return cls(((kid or secrets.token_hex(4), secrets.token_bytes(KEY_BYTES)),))

    def rotated(self, kid: str | None = None) -> "KeyRing":
        """This ring with a new current key in front."""
        return KeyRing((*KeyRing.generate(kid).keys, *self.keys))

    @classmethod
    def parse(cls, text: str, name: str = "key ring") -> "KeyRing":
        keys = []
        for item in (part.strip() for part in text.split(",")):
            if not item:
                continue
            kid, sep, encoded = item.partition(":")
            if not sep:
                raise KeyRingError(f"{name}: each key is written kid:base64, got {item[:8]!r}…")
            try:
                key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            except (binascii.Error, ValueError):
                raise KeyRingError(f"{name}: key {kid!r} is not base64") from None
            keys.append((kid.strip(), key))
        try:
            return cls(tuple(keys))
        except KeyRingError as exc:
            raise KeyRingError(f"{name}: {exc}") from None

    def format(self) -> str:
        return ",".join(f"{kid}:{base64.urlsafe_b64encode(key).decode().rstrip('=')}" for kid, key in self.keys)

    @classmethod
    def from_file(cls, path: Path) -> "KeyRing":
        """The ring kept in `path`, made there (readable by its owner only) when the file is missing."""
        if path.exists():
            return cls.parse(json.loads(path.read_text())["keys"], str(path))
        cls.generate().write(path)
        return cls.parse(json.loads(path.read_text())["keys"], str(path))

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"keys": self.format()}, handle)
        try:
            os.replace(tmp, path) if path.exists() else os.link(tmp, path)
        except FileExistsError:
            pass  # another process starting at the same moment wrote its ring first: that one is kept
        finally:
            tmp.unlink(missing_ok=True)
