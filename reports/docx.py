"""The Word renderer: core.documents blocks laid out as NĐ 30/2020 Mẫu 1.4, annexes as Mẫu 2.1.

Every size, margin and spacing is in LAYOUT, checked against the decree's ranges (RANGES)
when the module loads; the reference is docs/reports.md and report-layout-nd30.md.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import asdict, dataclass

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell

from core.documents import Annex, Document, Heading, Paragraph, Table, annex_number, heading_labels

from .letterhead import (
    ANNEX,
    AS_ABOVE,
    CLOSING,
    COPIES_LABEL,
    MOTTO,
    NATIONAL_NAME,
    PEOPLES_COMMITTEE,
    TO_LABEL,
    Letterhead,
)


@dataclass(frozen=True)
class Layout:
    """Sizes in points, lengths in millimetres (indent in centimetres)."""

    font: str = "Times New Roman"
    page_width: float = 210
    page_height: float = 297
    margin_top: float = 20
    margin_bottom: float = 20
    margin_left: float = 30
    margin_right: float = 15
    national_name: float = 13
    motto: float = 14
    parent: float = 13
    issuer: float = 13
    number: float = 13
    place_date: float = 14
    kind: float = 14
    subject: float = 14
    recipients: float = 14
    body: float = 14
    signer: float = 14
    copies_heading: float = 12
    copies: float = 11
    page_number: float = 14
    annex_label: float = 14
    annex_title: float = 14
    annex_reference: float = 14
    table: float = 12
    first_line_indent: float = 1.27
    paragraph_spacing: float = 6
    line_spacing: float = 1.15
    header_left_width: float = 65  # the header's and footer's left column (issuer, Nơi nhận)
    signature_space: int = 4  # empty lines left for the signature and seal


# What pages and the API send a .docx as.
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The decree's ranges (Phụ lục I): a value outside them is refused at import.
RANGES = {
    "page_width": (210, 210),
    "page_height": (297, 297),
    "margin_top": (20, 25),
    "margin_bottom": (20, 25),
    "margin_left": (30, 35),
    "margin_right": (15, 20),
    "national_name": (12, 13),
    "motto": (13, 14),
    "parent": (12, 13),
    "issuer": (12, 13),
    "number": (13, 13),
    "place_date": (13, 14),
    "kind": (13, 14),
    "subject": (13, 14),
    "recipients": (13, 14),
    "body": (13, 14),
    "signer": (13, 14),
    "copies_heading": (12, 12),
    "copies": (11, 11),
    "page_number": (13, 14),
    "annex_label": (14, 14),
    "annex_title": (13, 14),
    "annex_reference": (13, 14),
    "first_line_indent": (1.0, 1.27),
    "paragraph_spacing": (6, 12),
    "line_spacing": (1.0, 1.5),
    # Not set by the decree (tables are the annex's content): our choice, kept readable.
    "table": (11, 14),
}


def validate(layout: Layout) -> Layout:
    """The layout, or ValueError naming every value outside the decree's range."""
    wrong = [
        f"{name}={value} (allowed {RANGES[name][0]}–{RANGES[name][1]})"
        for name, value in asdict(layout).items()
        if name in RANGES and not RANGES[name][0] <= value <= RANGES[name][1]
    ]
    if wrong:
        raise ValueError("layout outside NĐ 30/2020: " + ", ".join(wrong))
    return layout


LAYOUT = validate(Layout())


def render(document: Document, layout: Layout = LAYOUT) -> bytes:
    """The document as .docx bytes."""
    return _Renderer(document, validate(layout)).render()


# --- low-level helpers --------------------------------------------------------------------


def _set_fonts(rpr, font: str) -> None:
    """Times New Roman in every script slot, so Vietnamese marks never fall back."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)
    # A theme font overrides the named one: the template's Calibri/Cambria must go.
    for slot in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(slot), None)


def _border(element, side: str, size: int = 6) -> None:
    """A single solid border (`size` in eighths of a point) on a paragraph's side."""
    ppr = element.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.append(borders)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "1"),
                       ("w:color", "000000")):  # fmt: skip
        edge.set(qn(key), value)
    borders.append(edge)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tblpr.append(borders)


def _text_width(text: str, size: float) -> float:
    """An estimate of a line's width in points (Times New Roman, bold): for the rules."""
    return sum(0.7 if c.isupper() else 0.3 if c == " " else 0.5 for c in text) * size


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE) as begin / instruction / separate / result / end runs."""
    for kind, text in (("begin", None), (None, instruction), ("separate", None),
                       (None, "1"), ("end", None)):  # fmt: skip
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _restart_numbering(section) -> None:
    """Page numbers of the section start again at 1."""
    sectpr = section._sectPr
    numbering = sectpr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        sectpr.append(numbering)
    numbering.set(qn("w:start"), "1")


def _cells(row) -> list[_Cell]:
    """A row's cells straight from its XML (python-docx's table.cell() rescans the whole
    table on every call: a 200-row annex took minutes)."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _row_flag(row, name: str) -> None:
    """A row property that is on or off: w:tblHeader (repeat on each page), w:cantSplit."""
    flag = OxmlElement(f"w:{name}")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


class _Renderer:
    """One document laid out into one python-docx Document (a renderer is used once)."""

    def __init__(self, document: Document, layout: Layout) -> None:
        self.doc = document
        self.layout = layout
        self.head: Letterhead = document.letterhead
        self.word = WordDocument()
        # A draft's blank date is of the year it is drawn up in.
        self.year = self.head.issued_on.year if self.head.issued_on else datetime.date.today().year

    # --- set-up ---------------------------------------------------------------------------

    def render(self) -> bytes:
        self._styles()
        section = self.word.sections[0]
        self._page(section, landscape=False)
        self._letterhead()
        self._body()
        self._footer()
        for index, annex in enumerate(self.doc.annexes):
            self._annex(index, annex)
        props = self.word.core_properties
        props.title = f"{self.doc.kind} {self.doc.subject}"
        props.author = self.head.issuer_name
        props.language = "vi-VN"
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()

    def _styles(self) -> None:
        for name in ("Normal", "Header", "Footer", "Table Grid"):
            style = self.word.styles[name]
            style.font.name = self.layout.font
            style.font.size = Pt(self.layout.body)
            style.font.color.rgb = None
            _set_fonts(style.element.get_or_add_rPr(), self.layout.font)
        rpr = self.word.styles["Normal"].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "vi-VN")
        rpr.append(lang)
        # The document defaults too: a run outside any style still gets the font.
        defaults = self.word.styles.element.find(qn("w:docDefaults"))
        if defaults is not None:
            drpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
            if drpr is not None:
                _set_fonts(drpr, self.layout.font)
        normal = self.word.styles["Normal"].paragraph_format
        normal.space_before = Pt(0)
        normal.space_after = Pt(0)
        normal.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def _page(self, section, *, landscape: bool) -> None:
        lay = self.layout
        width, height = Mm(lay.page_width), Mm(lay.page_height)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        section.top_margin, section.bottom_margin = Mm(lay.margin_top), Mm(lay.margin_bottom)
        section.left_margin, section.right_margin = Mm(lay.margin_left), Mm(lay.margin_right)
        section.header_distance = Mm(lay.margin_top / 2)
        section.footer_distance = Mm(lay.margin_bottom / 2)
        # Page numbers from page 2, centred in the top margin; the first page shows none.
        section.different_first_page_header_footer = True
        section.header.is_linked_to_previous = False
        section.first_page_header.is_linked_to_previous = False
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(header, "PAGE")
        for run in header.runs:
            run.font.size = Pt(lay.page_number)
        _restart_numbering(section)

    def _text_width_mm(self, section) -> float:
        return (section.page_width - section.left_margin - section.right_margin) / 36000

    # --- paragraphs -----------------------------------------------------------------------

    def _para(self, container, text: str = "", size: float | None = None, *, bold=False,
              italic=False, align=WD_ALIGN_PARAGRAPH.CENTER, after: float = 0):  # fmt: skip
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(after)
        if text:
            run = paragraph.add_run(text)
            run.font.size = Pt(size or self.layout.body)
            run.bold, run.italic = bold, italic
        return paragraph

    def _rule(self, container, length_pt: float, width_pt: float) -> None:
        """A solid rule of `length_pt`, centred in a column `width_pt` wide (the bottom border
        of a tiny empty paragraph indented from both sides)."""
        length = min(length_pt, width_pt)
        paragraph = container.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt = paragraph.paragraph_format
        side = max((width_pt - length) / 2, 0)
        fmt.left_indent = fmt.right_indent = Pt(side)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(2)
        fmt.line_spacing = Pt(3)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        _border(paragraph._p, "bottom")

    def _grid_table(self, rows: int, widths_mm: list[float], *, borders: bool):
        table = self.word.add_table(rows=rows, cols=len(widths_mm))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        if borders:
            table.style = self.word.styles["Table Grid"]
        else:
            _no_borders(table)
        for index, width in enumerate(widths_mm):
            table.columns[index].width = Mm(width)
        for row in table.rows:
            for cell, width in zip(_cells(row), widths_mm, strict=True):
                cell.width = Mm(width)
        return table

    @staticmethod
    def _first(cell):
        """The cell's own empty paragraph, to write into before adding more."""
        return cell.paragraphs[0]

    # --- Mẫu 1.4 --------------------------------------------------------------------------

    def _letterhead(self) -> None:
        lay, head = self.layout, self.head
        section = self.word.sections[0]
        width = self._text_width_mm(section)
        left = lay.header_left_width
        table = self._grid_table(2, [left, width - left], borders=False)
        top_left, top_right = _cells(table.rows[0])
        bottom_left, bottom_right = _cells(table.rows[1])
        # Box 2: the parent body (upright) over the issuing body (bold), a rule of 1/3–1/2.
        lines = [(head.parent_name.upper(), lay.parent, False)] if head.parent_name else []
        issuer = _issuer_lines(head.issuer_name)
        lines += [(line, lay.issuer, True) for line in issuer]
        for index, (text, size, bold) in enumerate(lines):
            paragraph = self._first(top_left) if index == 0 else top_left.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(text)
            run.font.size, run.bold = Pt(size), bold
        issuer_len = max(_text_width(line, lay.issuer) for line in issuer)
        self._rule(top_left, min(issuer_len, Mm(left).pt) * 0.4, Mm(left).pt)
        # Box 1: Quốc hiệu (bold), Tiêu ngữ (bold), a rule as long as the Tiêu ngữ.
        paragraph = self._first(top_right)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(NATIONAL_NAME)
        run.font.size, run.bold = Pt(lay.national_name), True
        motto = top_right.add_paragraph()
        motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = motto.add_run(MOTTO)
        run.font.size, run.bold = Pt(lay.motto), True
        self._rule(top_right, _text_width(MOTTO, lay.motto) * 0.92, Mm(width - left).pt)
        # Box 3 and box 4 on one line: number and symbol; place and date in italics.
        paragraph = self._first(bottom_left)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6)
        run = paragraph.add_run(head.number_line())
        run.font.size = Pt(lay.number)
        paragraph = self._first(bottom_right)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(6)
        run = paragraph.add_run(head.date_line(self.year))
        run.font.size, run.italic = Pt(lay.place_date), True
        # Box 5a: the type and the trích yếu (bold), a rule of 1/3–1/2 under it.
        kind = self._para(self.word, self.doc.kind.upper(), lay.kind, bold=True)
        kind.paragraph_format.space_before = Pt(18)
        self._para(self.word, self.doc.subject, lay.subject, bold=True)
        subject_len = min(_text_width(self.doc.subject, lay.subject), Mm(width).pt)
        self._rule(self.word, subject_len * 0.4, Mm(width).pt)
        for note in self.doc.notes:
            self._para(self.word, note, lay.body, italic=True, after=0)
        self._recipients(width)

    def _recipients(self, width: float) -> None:
        """Box 9a: one recipient on the "Kính gửi:" line; several listed under it."""
        lay, recipients = self.layout, self.head.recipients
        if not recipients:
            return
        if len(recipients) == 1:
            paragraph = self._para(self.word, f"{TO_LABEL} {recipients[0]}", lay.recipients)
            paragraph.paragraph_format.space_before = Pt(12)
            paragraph.paragraph_format.space_after = Pt(12)
            return
        label = self._para(self.word, TO_LABEL, lay.recipients, align=WD_ALIGN_PARAGRAPH.LEFT)
        label.paragraph_format.left_indent = Mm(width * 0.2)
        label.paragraph_format.space_before = Pt(12)
        for index, name in enumerate(recipients):
            end = "." if index == len(recipients) - 1 else ";"
            item = self._para(self.word, f"- {name.rstrip(';.')}{end}", lay.recipients,
                              align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
            item.paragraph_format.left_indent = Mm(width * 0.2 + 25)
        item.paragraph_format.space_after = Pt(12)

    def _body_paragraph(self, container, text: str, *, bold=False, italic=False):
        lay = self.layout
        paragraph = container.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Cm(lay.first_line_indent)
        fmt.space_before = Pt(lay.paragraph_spacing)
        fmt.space_after = Pt(0)
        fmt.line_spacing = lay.line_spacing
        run = paragraph.add_run(text)
        run.font.size = Pt(lay.body)
        run.bold, run.italic = bold, italic
        return paragraph

    def _blocks(self, container, blocks, width_mm: float) -> None:
        labels = {id(h): label for h, label in heading_labels(blocks)}
        for block in blocks:
            if isinstance(block, Heading):
                text = block.text.upper() if block.level == 1 else block.text
                self._body_paragraph(container, f"{labels[id(block)]} {text}",
                                     bold=block.level < 3)  # fmt: skip
            elif isinstance(block, Paragraph):
                self._body_paragraph(container, block.text, italic=block.note)
            elif isinstance(block, Table):
                self._table(block, width_mm)

    def _body(self) -> None:
        width = self._text_width_mm(self.word.sections[0])
        self._blocks(self.word, self.doc.body, width)
        last = self.word.paragraphs[-1]
        if self.doc.body and isinstance(self.doc.body[-1], Paragraph):
            # "./." closes the last sentence: its own full stop is the mark's first dot.
            ending = CLOSING[1:] if self.doc.body[-1].text.endswith(".") else CLOSING
            last.add_run(ending).font.size = Pt(self.layout.body)
        else:
            self._para(self.word, CLOSING, self.layout.body, align=WD_ALIGN_PARAGRAPH.RIGHT)

    def _table(self, block: Table, width_mm: float) -> None:
        lay = self.layout
        weights = block.widths or tuple(1 for _ in block.columns)
        total_weight = sum(weights)
        widths = [width_mm * w / total_weight for w in weights]
        rows = [block.columns, *block.rows, *([block.total] if block.total else [])]
        spacer = self.word.add_paragraph()
        spacer.paragraph_format.space_after = Pt(0)
        table = self._grid_table(len(rows), widths, borders=True)
        _row_flag(table.rows[0], "tblHeader")
        for r, (row, values) in enumerate(zip(table.rows, rows, strict=True)):
            header = r == 0
            total = block.total is not None and r == len(rows) - 1
            _row_flag(row, "cantSplit")  # a row is read whole, never half on the next page
            for cell, value in zip(_cells(row), values, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph.alignment = (
                    WD_ALIGN_PARAGRAPH.CENTER
                    if header or _is_figure(value)
                    else WD_ALIGN_PARAGRAPH.LEFT
                )
                run = paragraph.add_run(value)
                run.font.size = Pt(lay.table)
                run.bold = header or total

    def _footer(self) -> None:
        """Nơi nhận (left) level with the signer's authority line (right): a borderless table."""
        lay, head = self.layout, self.head
        width = self._text_width_mm(self.word.sections[0])
        gap = self.word.add_paragraph()
        gap.paragraph_format.space_after = Pt(6)
        table = self._grid_table(1, [lay.header_left_width, width - lay.header_left_width],
                                 borders=False)  # fmt: skip
        left, right = _cells(table.rows[0])
        paragraph = self._first(left)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        run = paragraph.add_run(COPIES_LABEL)
        run.font.size, run.bold, run.italic = Pt(lay.copies_heading), True, True
        lines = ([AS_ABOVE] if head.recipients else []) + [
            line.rstrip(";.") + ";" for line in head.copies_to
        ]
        lines.append(head.filing.rstrip(".") + ".")
        for line in lines:
            item = left.add_paragraph()
            item.alignment = WD_ALIGN_PARAGRAPH.LEFT
            item.add_run(f"- {line}").font.size = Pt(lay.copies)
        signer = head.signer
        authority = signer.lines() if signer else ()
        first = True
        for line in authority:
            paragraph = self._first(right) if first else right.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(line)
            run.font.size, run.bold = Pt(lay.signer), True
            first = False
        for _ in range(lay.signature_space):
            right.add_paragraph()
        name = right.add_paragraph()
        name.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = name.add_run(signer.name if signer else "")
        run.font.size, run.bold = Pt(lay.signer), True

    # --- Mẫu 2.1 --------------------------------------------------------------------------

    def _annex(self, index: int, annex: Annex) -> None:
        lay = self.layout
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        self._page(section, landscape=annex.landscape)
        width = self._text_width_mm(section)
        label = self._para(self.word, f"{ANNEX} {annex_number(index)}", lay.annex_label, bold=True)
        label.paragraph_format.space_before = Pt(0)
        self._para(self.word, annex.title.upper(), lay.annex_title, bold=True)
        reference = self.head.reference(self.doc.kind, self.year)
        self._para(self.word, reference, lay.annex_reference, italic=True)
        for note in self.doc.notes:
            self._para(self.word, note, lay.annex_reference, italic=True)
        self._rule(self.word, Mm(width).pt * 0.15, Mm(width).pt)
        self._blocks(self.word, annex.blocks, width)


def _issuer_lines(name: str) -> list[str]:
    """The issuing body in capitals; a people's committee on two lines, as the models set it
    ("ỦY BAN NHÂN DÂN" over "HUYỆN CÁT HẢI")."""
    upper = name.upper()
    committee = PEOPLES_COMMITTEE.upper()
    if upper.startswith(committee + " "):
        return [committee, upper[len(committee) + 1 :]]
    return [upper]


def _is_figure(value: str) -> bool:
    """A cell holding a number, a share or a dash: centred like the forms' figures."""
    stripped = value.replace(".", "").replace(",", "").replace("%", "").replace("/", "")
    return bool(stripped) and (stripped.strip().isdigit() or value.strip() in {"-", "—"})
