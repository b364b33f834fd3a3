"""Posters and forms sent with a broadcast or a proposal: known by their content (never by their
name), at most MAX_BYTES, one per announcement. A file relay cannot take is refused with a
French answer before anything is stored."""

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from relay.contract import FileTooLarge, FileUnavailable
from relay.messages import Attachment, Platform, SharedFile
from relay.textnorm import clean_input

log = logging.getLogger(__name__)

# Under Telegram's limits (10 MB for a photo, 20 MB for a bot to download) and far under Slack's.
MAX_BYTES = 10_000_000
MAX_NAME_CHARS = 150
DEFAULT_NAME = "fichier"

TOO_LARGE_TEXT = (
    "Le fichier « {name} » fait {size} : c'est plus que les {limit} que je sais relayer. "
    "Allégez-le (une image moins lourde, un PDF compressé) ou mettez un lien vers le document ; "
    "rien n'a été envoyé."
)
TOO_LARGE_UNKNOWN_TEXT = (
    "Le fichier « {name} » dépasse les {limit} que je sais relayer. Allégez-le (une image moins "
    "lourde, un PDF compressé) ou mettez un lien vers le document ; rien n'a été envoyé."
)
BAD_FORMAT_TEXT = (
    "Je relaie les images (PNG, JPEG) et les documents PDF, et « {name} » n'en est pas un. "
    "Enregistrez-le en PDF ou mettez un lien vers le document ; rien n'a été envoyé."
)
EMPTY_TEXT = "Le fichier « {name} » est vide ; rien n'a été envoyé."
UNAVAILABLE_TEXT = (
    "Je n'ai pas pu récupérer le fichier « {name} ». Renvoyez-le avec la commande dans un "
    "instant ; rien n'a été envoyé."
)
ONE_FILE_TEXT = (
    "J'ai reçu {count} fichiers, mais une diffusion n'en porte qu'un (l'affiche ou le "
    "formulaire). Renvoyez la commande avec un seul fichier ; rien n'a été envoyé."
)
FILE_HINT_TEXT = (
    "Pour relayer un fichier (une affiche, un formulaire), envoyez-le avec la commande en "
    "légende, par exemple : /diffuser #jeunes Forum des jeunes le 12/01 à Pornic. "
    "Un partenaire le propose aux coordinateurs de même, avec /proposer."
)
SLACK_FILE_HINT_TEXT = (
    "Pour relayer un fichier (une affiche, un formulaire), partagez-le ici avec la commande "
    "dans le même message, sans barre oblique, par exemple : diffuser #jeunes Forum des jeunes "
    "le 12/01 à Pornic. Un partenaire le propose aux coordinateurs de même, avec proposer."
)
ATTACHED_TEXT = "Pièce jointe : {file}."


@dataclass(frozen=True)
class FileFormat:
    mime_type: str
    label: str  # as French readers name it
    extensions: tuple[str, ...]  # the first is given to a name without one

    def matches(self, content: bytes) -> bool:
        if self.mime_type == "application/pdf":
            # PDF readers accept the header anywhere in the first kilobyte.
            return b"%PDF-" in content[:1024]
        return content.startswith(_SIGNATURES[self.mime_type])


_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
FORMATS = (
    FileFormat("image/png", "image PNG", (".png",)),
    FileFormat("image/jpeg", "image JPEG", (".jpg", ".jpeg")),
    FileFormat("application/pdf", "PDF", (".pdf",)),
)
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


class AttachmentRefused(Exception):
    """A file relay does not take; `message` tells the user why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_format(content: bytes) -> FileFormat | None:
    return next((f for f in FORMATS if f.matches(content)), None)


def accept(name: str, content: bytes) -> Attachment:
    """The file as relay relays it (its type read from its content, its name ending as that
    type does), or AttachmentRefused."""
    shown = shown_name(name)
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(_too_large(shown, len(content)))
    if not content:
        raise AttachmentRefused(EMPTY_TEXT.format(name=shown))
    found = file_format(content)
    if found is None:
        raise AttachmentRefused(BAD_FORMAT_TEXT.format(name=shown))
    return Attachment(_named_as(shown, found), content, found.mime_type)


async def receive(files: Sequence[SharedFile]) -> Attachment | None:
    """The file sent with a command, downloaded and checked; None without one. A file announced
    larger than relay takes is refused before any download."""
    if not files:
        return None
    if len(files) > 1:
        raise AttachmentRefused(ONE_FILE_TEXT.format(count=len(files)))
    shared = files[0]
    shown = shown_name(shared.name)
    check_size(shared.name, shared.size)
    try:
        content = await shared.download(MAX_BYTES)
    except FileTooLarge:
        raise AttachmentRefused(TOO_LARGE_UNKNOWN_TEXT.format(name=shown, limit=LIMIT)) from None
    except FileUnavailable as unavailable:
        log.warning("a shared file could not be downloaded: %s", unavailable.reason)
        raise AttachmentRefused(UNAVAILABLE_TEXT.format(name=shown)) from None
    return accept(shared.name, content)


def check_size(name: str, size: int | None) -> None:
    """Refuse, before reading it, a file known to be larger than relay takes."""
    if size is not None and size > MAX_BYTES:
        raise AttachmentRefused(_too_large(shown_name(name), size))


def file_hint(platform: Platform) -> str:
    """How to send a file with a command, in the platform's own gestures."""
    return SLACK_FILE_HINT_TEXT if platform is Platform.SLACK else FILE_HINT_TEXT


def describe(attachment: Attachment) -> str:
    """`affiche.png (image PNG, 1,2 Mo)`; `reunion-1.ics (2 ko)` for a file of another kind."""
    found = next((f for f in FORMATS if f.mime_type == attachment.mime_type), None)
    size = size_label(len(attachment.content))
    return (
        f"{attachment.filename} ({found.label}, {size})"
        if found
        else f"{attachment.filename} ({size})"
    )


def size_label(size: int) -> str:
    """A size as French readers write it, rounded up (a file just over the limit is never
    shown at the limit): 850 octets, 350 ko, 1,2 Mo."""
    if size < 1000:
        return f"{size} octet" if size < 2 else f"{size} octets"
    if size < 1_000_000:
        return f"{math.ceil(size / 1000)} ko"
    tenths = math.ceil(size / 100_000)
    whole, tenth = divmod(tenths, 10)
    return f"{whole},{tenth} Mo" if tenth else f"{whole} Mo"


LIMIT = size_label(MAX_BYTES)


def shown_name(name: str) -> str:
    """The file's own name, without folders or control characters, of a readable length."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = clean_input(base, MAX_NAME_CHARS + 10).strip(". ")
    if len(base) > MAX_NAME_CHARS:
        stem, extension = _split_extension(base)
        base = stem[: MAX_NAME_CHARS - len(extension)] + extension
    return base or DEFAULT_NAME


def _named_as(name: str, found: FileFormat) -> str:
    """The name ending with an extension of its real type (`affiche.pdf` holding a PNG is
    `affiche.png`)."""
    stem, extension = _split_extension(name)
    if extension.lower() in found.extensions:
        return name
    return f"{stem or DEFAULT_NAME}{found.extensions[0]}"


def _split_extension(name: str) -> tuple[str, str]:
    match = _EXTENSION.search(name)
    return (name[: match.start()], match.group(0)) if match else (name, "")


def _too_large(name: str, size: int) -> str:
    return TOO_LARGE_TEXT.format(name=name, size=size_label(size), limit=LIMIT)
