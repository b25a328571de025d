"""Read the first sheet of an .xls or .ods in a child process whose memory is capped.

The calamine reader builds the whole rectangle from A1 to the last cell before anything can
be checked, so a 5 KB file with one cell at IV65536 asks for a gigabyte. Run here, with the
child's address space limited, such a file kills only the child; the web worker is
untouched. Standalone on purpose (no Django): run as `python calamine_reader.py PATH
MAX_ROWS MAX_COLUMNS MAX_BYTES`; writes one JSON document to stdout.
"""

from __future__ import annotations

import datetime
import json
import resource
import sys


def _limit_memory(max_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (max_bytes, max_bytes))


def _tagged(value):
    """JSON for what calamine returns: dates and times tagged, empty cells as None."""
    if value == "":
        return None
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def read(path: str, max_rows: int, max_columns: int) -> dict:
    from python_calamine import CalamineWorkbook  # after the limit: its memory counts

    with open(path, "rb") as handle:  # by its content: the upload's name may say .xlsx
        workbook = CalamineWorkbook.from_filelike(handle)
    try:
        sheet = workbook.get_sheet_by_index(0)
        height, width = sheet.end if sheet.end else (-1, -1)
        if height + 1 > max_rows:
            return {"refused": "rows"}
        if width + 1 > max_columns:
            return {"refused": "columns"}
        rows = [[_tagged(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        merged = [
            (r0 + 1, c0 + 1, r1 + 1, c1 + 1)
            for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])
        ]
        return {"title": sheet.name, "rows": rows, "merged": merged}
    finally:
        workbook.close()


def main(argv: list[str]) -> int:
    path, max_rows, max_columns, max_bytes = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    _limit_memory(max_bytes)
    try:
        result = read(path, max_rows, max_columns)
    except MemoryError:
        result = {"refused": "memory"}
    except Exception as error:  # an untrusted file: whatever the reader trips on is refused
        result = {"refused": "unreadable", "error": str(error)[:200]}
    json.dump(result, sys.stdout, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
