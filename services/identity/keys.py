"""The built-in issuer's signing keys: kept in a JSON file, newest first, each with a key id.

Rotation adds a key in front; older keys keep verifying the tokens they signed until removed. The
command line rotates the file while the API runs, so the API re-reads it whenever it has changed.
"""

import json
import os
import uuid
from pathlib import Path

from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"


def _new_key() -> ECKey:
    return ECKey.generate_key(
        "P-256", parameters={"kid": uuid.uuid4().hex[:16], "use": "sig", "alg": ALGORITHM}
    )


class SigningKeys:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.key_set = self._load_or_create()
        self._stamp = self._file_stamp()

    def _file_stamp(self) -> tuple[int, int, int] | None:
        # os.replace gives a new inode, so a rotation is seen even within one mtime tick.
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def refresh(self) -> None:
        """Re-read the file if another process (`standardflow keys ...`) has changed it."""
        stamp = self._file_stamp()
        if stamp is not None and stamp != self._stamp:
            self.key_set = KeySet.import_key_set(json.loads(self.path.read_text()))
            self._stamp = stamp

    def _load_or_create(self) -> KeySet:
        if self.path.exists():
            return KeySet.import_key_set(json.loads(self.path.read_text()))
        key_set = KeySet([_new_key()])
        self._write(key_set)
        return key_set

    def _write(self, key_set: KeySet) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(key_set.as_dict(private=True), handle)
        os.replace(tmp, self.path)
        self._stamp = self._file_stamp()

    @property
    def active(self) -> ECKey:
        return self.key_set.keys[0]

    @property
    def key_ids(self) -> list[str]:
        return [key.kid for key in self.key_set.keys]

    def rotate(self) -> str:
        """Put a new key in front; the others stay for verification."""
        self.key_set = KeySet([_new_key(), *self.key_set.keys])
        self._write(self.key_set)
        return self.active.kid

    def remove(self, kid: str) -> None:
        remaining = [key for key in self.key_set.keys if key.kid != kid]
        if len(remaining) == len(self.key_set.keys):
            raise KeyError(kid)
        if not remaining:
            raise ValueError("the last signing key cannot be removed; rotate first")
        self.key_set = KeySet(remaining)
        self._write(self.key_set)

    def public_jwks(self) -> dict:
        return self.key_set.as_dict(private=False)
