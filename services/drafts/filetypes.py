"""What an uploaded draft is, decided by its bytes alone: neither the file's name nor the content type
the client sent is trusted."""

import codecs
import zipfile
from pathlib import Path

from services.errors import DomainError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
MARKDOWN = "text/markdown; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

SUFFIXES = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", MARKDOWN: ".md", TEXT: ".txt"}
_MARKDOWN_SUFFIXES = (".md", ".markdown")
_EXECUTABLES = (
    (b"\x7fELF", "error.file.elf"),
    (b"MZ", "error.file.pe"),
    (b"\xcf\xfa\xed\xfe", "error.file.mach_o"),
    (b"\xca\xfe\xba\xbe", "error.file.mach_o_or_java"),
)
# Text may hold tabs, line breaks and form feeds; any other control character means binary data.
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13}
_CHUNK = 1 << 16


class UnsupportedDraftType(DomainError):
    status_code = 415


def detect(path: Path, display_name: str = "") -> str:
    """The content type of the file at `path`, or UnsupportedDraftType naming what it is instead."""
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_document(path)
    if head.startswith(b"#!"):
        raise UnsupportedDraftType("error.file.script")
    if _is_utf8_text(path):
        # The bytes decide that this is text; the name only tells Markdown from plain text.
        return MARKDOWN if display_name.lower().endswith(_MARKDOWN_SUFFIXES) else TEXT
    raise UnsupportedDraftType(_describe(head))


def _office_document(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                if "word/vbaProject.bin" in names:
                    raise UnsupportedDraftType("error.file.macros")
                return DOCX
            if "mimetype" in names and _read_small(archive, "mimetype") == ODT.encode():
                return ODT
    except zipfile.BadZipFile as exc:
        raise UnsupportedDraftType("error.file.damaged_zip") from exc
    raise UnsupportedDraftType("error.file.other_zip")


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    # Reads no more than a mimetype can be, whatever size the archive claims for the entry.
    with archive.open(name) as entry:
        return entry.read(100).strip()


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                if _TEXT_CONTROLS.intersection(chunk):
                    return False
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _describe(head: bytes) -> str:
    """The message id that says what the file is."""
    return next((key for magic, key in _EXECUTABLES if head.startswith(magic)), "error.file.unknown")
