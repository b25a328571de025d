"""The Excel import of a commune's tallies: a template with its villages prefilled, an upload
read into a preview of what changes (row by row, old → new), then written all or nothing
through save_tallies once the user confirms. A blank cell never erases a saved figure; a
formula is read as the value the spreadsheet computed, never run."""

from __future__ import annotations

import secrets
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl.utils import get_column_letter

from collection.excel_import import ImportRefused, RowError, read_file, save_upload
from core import spreadsheets, xlsx
from core.text import fold
from units.models import OrgUnit

from .models import Model, Tally
from .registers import (
    FIGURES,
    TALLY_MODELS,
    Figures,
    TallyError,
    is_blank,
    plan_save,
    require_register,
    save_tallies,
    villages_of,
)

FIELDS = ("village", "model", *FIGURES, "note")
SESSION_KEY = "recognition_tally_imports"
LIFETIME_SECONDS = 30 * 60  # a preview older than this is stale: upload the file again
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def headers() -> list[str]:
    return [_("Village or residential group"), _("Learning model"), _("Total"),
            _("Registered"), _("Recognised"), _("Note")]  # fmt: skip


def template_sheet(commune: OrgUnit, year: int) -> xlsx.Sheet:
    """The commune's template: a row per village (last year's, or this year's) and model,
    with the figures saved for `year` so far; the user fills the blanks."""
    saved = {(t.village, t.model): t for t in Tally.objects.filter(commune=commune, year=year)}
    sheet = xlsx.Sheet(
        title=_("Tallies %(year)s") % {"year": year},
        heading=[
            _("Learning-model tallies of %(year)s: template to fill") % {"year": year},
            commune.display_name,
            _("A blank cell changes nothing; type whole numbers; keep the model's name."),
        ],
        columns=list(zip(headers(), (28, 34, 11, 11, 11, 30), strict=True)),
        page=xlsx.Page(xlsx.LANDSCAPE),
    )
    for village in villages_of(commune, year) or [""]:
        for model in TALLY_MODELS:
            tally = saved.get((village, model))
            figures = [getattr(tally, name, None) for name in FIGURES]
            note = tally.note if tally else ""
            sheet.rows.append([village, str(Model(model).label), *figures, note])
    return sheet


def template(commune: OrgUnit, year: int, stamp: xlsx.Stamp | None = None) -> bytes:
    return xlsx.render([template_sheet(commune, year)], stamp)


# --- reading an upload --------------------------------------------------------------------


@dataclass
class Change:
    """One row of the file against the saved tally: new, changed (old → new) or unchanged."""

    line: int  # the sheet's row number
    village: str
    model: str
    old: Figures | None
    new: Figures
    note: str
    kind: str

    @property
    def model_label(self) -> str:
        return str(Model(self.model).label)


@dataclass
class Preview:
    sheet: str
    changes: list[Change] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # what confirming gives save_tallies
    lines: list[int] = field(default_factory=list)  # the sheet row of each of `rows`

    def of(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


def _labels() -> dict[str, str]:
    """Every way the file may name a model: its code, its name in Vietnamese or English."""
    names = {}
    for language in ("vi", "en"):
        with override(language):
            names |= {fold(str(Model(m).label)): m for m in TALLY_MODELS}
    return names | {fold(m): m for m in TALLY_MODELS}


def _header_line(grid: spreadsheets.Grid) -> int:
    """The sheet row holding the columns' headers (in either language)."""
    wanted = set()
    for language in ("vi", "en"):
        with override(language):
            wanted.add(tuple(fold(h) for h in headers()[:2]))
    for number, cells in enumerate(grid.rows, start=1):
        texts = tuple(fold(spreadsheets.cell_text(c)) for c in cells[:2])
        if texts in wanted:
            return number
    message = _("the file has no header row “%(village)s | %(model)s”: download the template "
                "again.")  # fmt: skip
    names = headers()
    raise ImportRefused([RowError(grid.title, 0, "", "", message % {
        "village": names[0], "model": names[1]})])  # fmt: skip


def _error(grid, line: int, column: int | None, value, message: str) -> RowError:
    label = ""
    if column is not None:
        names = headers()
        label = get_column_letter(column + 1)
        label += f" ({names[column]})" if column < len(names) else ""
    return RowError(grid.title, line, label, spreadsheets.cell_text(value)[:80], message)


def _cell(cells: list, index: int):
    return cells[index] if index < len(cells) else None


def _file_rows(grid, start: int, errors: list[RowError]) -> tuple[list[dict], list[int]]:
    models = _labels()
    rows, lines = [], []
    for number, cells in enumerate(grid.rows[start:], start=start + 1):
        if all(not spreadsheets.cell_text(c).strip() for c in cells):
            continue
        model = models.get(fold(spreadsheets.cell_text(_cell(cells, 1))))
        if model is None:
            message = _("the name of a learning model, as in the template")
            errors.append(_error(grid, number, 1, _cell(cells, 1), message))
            continue
        row = {"village": _cell(cells, 0) or "", "model": model}
        for offset, name in enumerate(FIGURES, start=2):
            value = _cell(cells, offset)
            row[name] = value.strip() if isinstance(value, str) else value
        row["note"] = spreadsheets.cell_text(_cell(cells, 5))
        rows.append(row)
        lines.append(number)
    return rows, lines


def preview(grid: spreadsheets.Grid, commune: OrgUnit, year: int, *, actor) -> Preview:
    """Every row of the sheet checked as save_tallies would check it; ImportRefused lists
    every problem (sheet, row, column, what is expected). Writes nothing."""
    require_register(commune, year, actor)
    start = _header_line(grid)
    errors = [_error(grid, p.row, p.column - 1, p.value, p.message)
              for p in grid.problems if p.row > start]  # fmt: skip
    rows, lines = _file_rows(grid, start, errors)
    plan = plan_save(commune, year, rows)
    column = {name: index for index, name in enumerate(FIELDS)}
    for problem in plan.problems:
        cells = rows[problem.index]
        errors.append(_error(grid, lines[problem.index], column.get(problem.field),
                             cells.get(problem.field), problem.message))  # fmt: skip
    if errors:
        raise ImportRefused(errors)
    if not rows:
        message = _("the file holds no row to import.")
        raise ImportRefused([RowError(grid.title, 0, "", "", message)])
    result = Preview(grid.title)
    for row, current, values in plan.steps:
        new = Figures(*(values[name] for name in FIGURES))
        old = Figures(*(getattr(current, n) for n in FIGURES)) if current is not None else None
        unchanged = current is not None and old == new and current.note == values["note"]
        blank = current is None and is_blank(values)
        kind = UNCHANGED if unchanged or blank else CHANGED if current is not None else NEW
        line = lines[row.index]
        result.changes.append(Change(line, row.village, row.model, old, new, values["note"], kind))
        if kind != UNCHANGED:
            version = current.version if current is not None else 0
            result.rows.append({"village": row.village, "model": row.model,
                                **{n: values[n] for n in FIGURES}, "note": values["note"],
                                "version": version})  # fmt: skip
            result.lines.append(line)
    return result


def read_upload(upload) -> spreadsheets.Grid:
    """The upload's first sheet after the size, zip and row checks; ImportRefused if not."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"
        return read_file(path, save_upload(upload, path))


# --- confirming ---------------------------------------------------------------------------


def keep(session, commune: OrgUnit, year: int, seen: Preview) -> str:
    """Remember what the preview would write, in the user's session; its token."""
    now = time.time()
    kept = {t: p for t, p in session.get(SESSION_KEY, {}).items()
            if p["created"] > now - LIFETIME_SECONDS}  # fmt: skip
    token = secrets.token_urlsafe(24)
    kept[token] = {"commune": commune.pk, "year": year, "sheet": seen.sheet, "rows": seen.rows,
                   "lines": seen.lines, "created": now}  # fmt: skip
    session[SESSION_KEY] = kept
    return token


def take(session, token: str, commune: OrgUnit, year: int) -> Mapping | None:
    """The preview of `token` for this commune and year, once; None when unknown or expired."""
    kept = session.get(SESSION_KEY, {})
    saved = kept.pop(token, None) if isinstance(token, str) else None
    session[SESSION_KEY] = kept
    if saved is None or (saved["commune"], saved["year"]) != (commune.pk, year):
        return None
    return saved if saved["created"] > time.time() - LIFETIME_SECONDS else None


def confirm(pending: Mapping, commune: OrgUnit, year: int, *, actor):
    """Write what the preview showed, all or nothing; a row someone changed since the preview
    refuses the whole file (ImportRefused, stale)."""
    try:
        return save_tallies(commune, year, pending["rows"], actor=actor)
    except TallyError as refused:
        lines = pending["lines"]
        errors = [
            RowError(pending["sheet"], lines[p.index], "", "",
                     str(refused) if p.field == "version" else p.message)
            for p in refused.problems
        ]  # fmt: skip
        raise ImportRefused(errors or [RowError(pending["sheet"], 0, "", "", str(refused))],
                            stale=refused.stale) from refused  # fmt: skip
