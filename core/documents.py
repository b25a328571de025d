"""Plain blocks a document is built from (headings, paragraphs, tables, annexes): no Word here.

Domain apps return these; one renderer per format (reports/docx.py) lays them out. Cells
are text already formatted the Vietnamese way (core.templatetags.xhht, core.numbers).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# The numerals of the three heading levels of an administrative text (NĐ 30/2020,
# Phụ lục I: "phần, mục, khoản, điểm"): I., 1., a).
ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
# The Vietnamese alphabet's letters for điểm (a, b, c, d, đ, e, ...): no f, j, w, z.
LETTERS = "abcdđeghiklmnopqrstuvxy"


def roman(number: int) -> str:
    """4 -> "IV"."""
    out = []
    for value, numeral in ROMAN:
        while number >= value:
            out.append(numeral)
            number -= value
    return "".join(out)


@dataclass(frozen=True)
class Heading:
    """A heading, numbered by its level when laid out: 1 = "I. …", 2 = "1. …", 3 = "a) …"."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (justified, first-line indent); `note` sets it in italics."""

    text: str
    note: bool = False


@dataclass(frozen=True)
class Table:
    """A table: column headings, rows of text cells, relative widths, an optional total row."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None
    total: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *([self.total] if self.total else [])):
            if len(row) != width:
                raise ValueError(f"a row has {len(row)} cells, the table {width} columns: {row!r}")
        if self.widths is not None and len(self.widths) != width:
            raise ValueError("one width per column")


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Annex:
    """An annex (Mẫu 2.1): its title and blocks, on its own pages (landscape by default)."""

    title: str
    blocks: tuple[Block, ...]
    landscape: bool = True


@dataclass
class Document:
    """A whole administrative text: the letterhead (issuer, number, recipients, signer: see
    reports.letterhead.Letterhead), its type ("BÁO CÁO") and trích yếu, body and annexes.

    `demo` marks a document whose figures are illustrative; `notes` are lines printed in
    italics under the trích yếu and under each annex's reference line ("Số liệu minh họa").
    """

    letterhead: Any
    kind: str
    subject: str
    body: list[Block] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    demo: bool = False


def annex_number(index: int) -> str:
    """The annex's numeral by its place (0 -> "I", for "Phụ lục I")."""
    return roman(index + 1)


def heading_labels(blocks: Iterable[Block]) -> Iterator[tuple[Heading, str]]:
    """Each heading with its number as laid out ("I.", "2.", "b)"); a new heading of a level
    restarts the numbering of the levels below it."""
    counters = [0, 0, 0]
    for block in blocks:
        if not isinstance(block, Heading):
            continue
        level = min(max(block.level, 1), 3)
        counters[level - 1] += 1
        for below in range(level, 3):
            counters[below] = 0
        n = counters[level - 1]
        label = (
            roman(n) + "." if level == 1 else f"{n}." if level == 2 else LETTERS[(n - 1) % 23] + ")"
        )
        yield block, label


@dataclass
class Part:
    """What one app contributes to a report: body blocks and annexes; the figures shown,
    keyed stably row by row (for comparing two snapshots); where they came from
    (`provenance`: lists under "values", "rule_sets", "rounds"); and plain sentences the
    narrative draft starts from (`summary`: "11/12 xã đạt chuẩn …")."""

    key: str
    blocks: list[Block] = field(default_factory=list)
    annexes: list[Annex] = field(default_factory=list)
    figures: dict[str, dict] = field(default_factory=dict)
    provenance: dict[str, list] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
