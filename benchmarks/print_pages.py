"""How the demo's exports print: LibreOffice's PDF of the district's biểu thống kê, a persons
list and the dashboard, with their pages, page size and the pages that carry the header.

Run on a loaded demo (`XHHT_DEMO=true manage.py load_demo`) with LibreOffice installed:
`XHHT_DEMO=true .venv/bin/python benchmarks/print_pages.py [OUTPUT_DIR]` (docs/exports.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = {  # name: (url, a header text every page should carry)
    "tables": ("/units/317/pcgd/tables.xlsx?year=2020", "Năm sinh"),
    "persons": ("/units/11917/pcgd/persons.xlsx?year=2020&rate=attending_5&meeting=1",
                "Họ và tên"),
    "dashboard": ("/units/317/dashboard.xlsx?plan=08-KH-BCD-2020-cat-hai&year=2020", "Chỉ tiêu"),
}  # fmt: skip


def main(output: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xhht.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pypdf import PdfReader

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="pgd_cathai"))
    profile = tempfile.mkdtemp(prefix="lo-print-pages-")
    output.mkdir(parents=True, exist_ok=True)
    try:
        for name, (url, header) in EXPORTS.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            source = output / f"{name}.xlsx"
            source.write_bytes(response.content)
            subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", str(output), str(source)],
                           check=True, capture_output=True, timeout=600)  # fmt: skip
            pages = PdfReader(output / f"{name}.pdf").pages
            box = pages[0].mediabox
            texts = [page.extract_text() for page in pages]
            print(f"{name}: {len(pages)} pages of {round(float(box.width))}x"
                  f"{round(float(box.height))} pt; the header ('{header}') on "
                  f"{sum(header in t for t in texts)}, 'Trang n/N' on "
                  f"{sum('Trang ' in t for t in texts)}")  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="xhht-print-")))
