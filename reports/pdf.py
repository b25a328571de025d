"""The report as PDF: the .docx converted by LibreOffice (soffice), never a second layout."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """soffice is absent or failed; the message says which, and how to install it."""


def soffice_path() -> str | None:
    """Where LibreOffice's soffice is, or None (then no PDF is offered)."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes) -> bytes:
    """Convert .docx bytes with `soffice --headless --convert-to pdf`, in a private profile
    so that conversions running side by side do not share (and lock) one."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(
            _(
                "LibreOffice (soffice) is not installed, so no PDF can be made; install it with "
                "'apt-get install libreoffice-writer-nogui'."
            )  # fmt: skip
        )
    with tempfile.TemporaryDirectory(prefix="xhht-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(
                _("LibreOffice did not finish converting the report within %(seconds)s seconds.")
                % {"seconds": TIMEOUT_SECONDS}
            ) from exc
        result = folder / "report.pdf"
        if done.returncode != 0 or not result.exists():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[-500:]
            raise PdfUnavailable(
                _("LibreOffice could not convert the report to PDF: %(detail)s")
                % {"detail": detail}
            )
        return result.read_bytes()
