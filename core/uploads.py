"""Check an uploaded file by its content, not its name: its kind, its size, and no zip bomb."""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from django.utils.translation import gettext as _

PDF, DOCX, XLSX, JPEG, PNG = "pdf", "docx", "xlsx", "jpeg", "png"
MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
OFFICE_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
MAX_UNZIPPED_BYTES = 200 * 2**20  # an office file this large unpacked is a zip bomb here


class UploadRefused(ValueError):
    """A file that is refused; the message is for the user."""


def _office_kind(stream: BinaryIO) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise UploadRefused(_("The file unpacks to more than %(mb)s MB; it was refused.")
                            % {"mb": MAX_UNZIPPED_BYTES // 2**20})  # fmt: skip
    names = {m.filename for m in members}
    return next((kind for part, kind in OFFICE_PARTS if part in names), None)


def sniff(stream: BinaryIO) -> str | None:
    """The kind of file the content shows (PDF, DOCX, XLSX, JPEG, PNG), or None."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(b"PK\x03\x04"):
        kind = _office_kind(stream)
        stream.seek(0)
        return kind
    return None


def check_upload(stream: BinaryIO, size: int, *, allowed: tuple[str, ...], max_bytes: int) -> str:
    """The file's kind if it is allowed and small enough; otherwise UploadRefused."""
    if size > max_bytes:
        raise UploadRefused(_("The file is larger than %(mb)s MB.") % {"mb": max_bytes // 2**20})
    if size == 0:
        raise UploadRefused(_("The file is empty."))
    kind = sniff(stream)
    if kind not in allowed:
        names = ", ".join(k.upper() for k in allowed)
        message = _(
            "Only these kinds of file are accepted: %(kinds)s. The content of this file is "
            "none of them, whatever its name."
        )
        raise UploadRefused(message % {"kinds": names})
    return kind
