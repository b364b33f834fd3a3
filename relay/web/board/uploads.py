"""Directory files sent from the coordinator pages, kept between their check and their import.

A file is saved under a name relay chooses (never the one the browser sent) in a private
directory, and named to the coordinator's page by a random token; only the token's hash is kept
here. A file is kept for LIFETIME after it was sent (its modification time says when), for the
coordinator who sent it, and used once.
"""

import hashlib
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from relay.messages import UserRef

LIFETIME_SECONDS = 30 * 60
SUFFIXES = (".csv", ".xlsx")
MAX_TOKEN = 100  # characters of a token read; longer is none of ours
CHUNK = 2**16


@dataclass(frozen=True)
class Upload:
    """A file sent, waiting for the coordinator's confirmation."""

    path: Path
    name: str  # as the browser named it: shown, never used as a path
    replace: bool  # delete the entries the file does not hold
    coordinator: UserRef


def suffix_of(name: str) -> str | None:
    """The file's kind from the name sent (".csv" or ".xlsx"), or None."""
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return suffix if suffix in SUFFIXES else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Uploads:
    def __init__(self, lifetime: float = LIFETIME_SECONDS) -> None:
        self.lifetime = lifetime
        self._folder: Path | None = None
        self._waiting: dict[str, Upload] = {}

    def folder(self) -> Path:
        """The private directory (mode 0700) of the files sent, made when first needed."""
        if self._folder is None or not self._folder.is_dir():
            self._folder = Path(tempfile.mkdtemp(prefix="relay-import-"))
        return self._folder

    def keep(
        self, content: IO[bytes], suffix: str, name: str, replace: bool, by: UserRef
    ) -> tuple[str, Upload]:
        """Save a file sent (blocking: call it in a thread); returns its token."""
        self.sweep()
        token = secrets.token_urlsafe(32)
        key = _digest(token)
        path = self.folder() / f"{key}{suffix}"
        with path.open("xb") as out:
            shutil.copyfileobj(content, out, CHUNK)
        upload = Upload(path, name, replace, by)
        self._waiting[key] = upload
        return token, upload

    def take(self, token: str, by: UserRef) -> Upload | None:
        """The file this token names, if it is still kept for this coordinator; it is no
        longer kept for another use."""
        self.sweep()
        key = _digest(token[:MAX_TOKEN])
        upload = self._waiting.get(key)
        if upload is None or upload.coordinator != by:
            return None
        del self._waiting[key]
        return upload

    def drop(self, upload: Upload) -> None:
        upload.path.unlink(missing_ok=True)

    def sweep(self) -> None:
        """Forget and delete the files kept longer than their lifetime."""
        now = time.time()
        for key, upload in list(self._waiting.items()):
            try:
                expired = now - upload.path.stat().st_mtime > self.lifetime
            except OSError:
                expired = True
            if expired:
                del self._waiting[key]
                self.drop(upload)

    def close(self) -> None:
        self._waiting.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
