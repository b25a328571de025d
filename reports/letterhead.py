"""Who issues a report and to whom: letterhead, signer and the fixed wording of NĐ 30/2020."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from units.models import OrgUnit

# Fixed legal wording of NĐ 30/2020 (Phụ lục I): these are the decree's words, printed the
# same whatever the user's language, so they are constants here rather than translations.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_LABEL = "Số:"
TO_LABEL = "Kính gửi:"
COPIES_LABEL = "Nơi nhận:"
AS_ABOVE = "Như trên;"
CLOSING = "./."
REPORT = "BÁO CÁO"
ANNEX = "Phụ lục"
PEOPLES_COMMITTEE = "Ủy ban nhân dân"
ON_BEHALF = "TM."  # thay mặt: on behalf of a collective body
DEPUTY = "KT."  # ký thay: a deputy signs for the head
# The education office each level reports to (the plans' section V names them so).
MINISTRY = "Bộ Giáo dục và Đào tạo"
DEPARTMENT = "Sở Giáo dục và Đào tạo"

LEVEL_PREFIXES = ("Thành phố", "Tỉnh", "Huyện", "Quận", "Thị xã", "Thị trấn", "Đặc khu",
                  "Phường", "Xã")  # fmt: skip


@dataclass(frozen=True)
class Signer:
    """Who signs (NĐ 30/2020 Đ13): name, position in the issuing body, the authority lines
    above it ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), and, for an advisory body using its
    host's seal, the signer's position in the host body (printed under the advisory title)."""

    name: str
    position: str
    authority: tuple[str, ...] = ()
    host_position: str = ""

    def lines(self) -> tuple[str, ...]:
        """The bold upper-case lines above the signature, top to bottom."""
        lines = [*self.authority, self.position]
        if self.host_position:
            lines.append(self.host_position)
        return tuple(line.upper() for line in lines if line)


@dataclass(frozen=True)
class Letterhead:
    """The issuing body and its parent, number symbol, place and date, recipients and signer.

    `number`/`issued_on` None leave the blanks of a draft; `recipients` are "Kính gửi",
    `copies_to` the Nơi nhận lines after "- Như trên;" (which is printed only when there
    are recipients), `filing` the last line ("Lưu: VT.").
    """

    parent_name: str
    issuer_name: str
    symbol: str
    place: str
    number: int | None = None
    issued_on: datetime.date | None = None
    recipients: tuple[str, ...] = ()
    copies_to: tuple[str, ...] = ()
    filing: str = "Lưu: VT."
    signer: Signer | None = None

    def number_line(self) -> str:
        """ "Số: 08/BC-UBND" (numbers below 10 zero-padded), or "Số:    /BC-UBND" on a draft."""
        number = f"{self.number:02d}" if self.number is not None else "\u00a0" * 6
        return f"{NUMBER_LABEL} {number}/{self.symbol}"

    def date_line(self, year: int) -> str:
        """ "Cát Hải, ngày 03 tháng 01 năm 2020" (days below 10, months 1 and 2 zero-padded)."""
        if self.issued_on is None:
            gap = "\u00a0" * 5
            return f"{self.place}, ngày{gap}tháng{gap}năm {year}"
        return f"{self.place}, {date_words(self.issued_on)}"

    def reference(self, kind: str, year: int) -> str:
        """The annexes' line "(Kèm theo Báo cáo số …/BC-UBND ngày … tháng … năm … của …)"."""
        gap = "…"
        number = f"{self.number:02d}" if self.number is not None else gap
        day = self.issued_on
        when = date_words(day) if day else f"ngày {gap} tháng {gap} năm {year}"
        kind = kind.capitalize()
        return f"(Kèm theo {kind} số {number}/{self.symbol} {when} của {self.issuer_name})"


def date_words(day: datetime.date) -> str:
    """ "ngày 03 tháng 01 năm 2020": days below 10 and months 1 and 2 zero-padded (NĐ 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(unit: OrgUnit) -> str:
    """The place of the date line: the administrative unit's name without its level word
    ("Huyện Cát Hải" -> "Cát Hải"); a body takes the unit it belongs to."""
    admin = administrative_of(unit)
    if admin is None:
        return unit.display_name
    name = admin.name
    for prefix in LEVEL_PREFIXES:
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return admin.short_name or name


def administrative_of(unit: OrgUnit) -> OrgUnit | None:
    """The unit itself if administrative, else the nearest administrative unit above it."""
    node = unit
    while node is not None and node.kind != OrgUnit.Kind.ADMINISTRATIVE:
        node = OrgUnit.objects.get_parent(node)
    return node


def committee_of(unit: OrgUnit) -> str:
    """ "Ủy ban nhân dân huyện Cát Hải": the people's committee of an administrative unit."""
    name = unit.name
    return f"{PEOPLES_COMMITTEE} {name[0].lower()}{name[1:]}" if name else PEOPLES_COMMITTEE


def is_body(unit: OrgUnit) -> bool:
    """A department, association or centre (not an administrative unit)."""
    return unit.kind != OrgUnit.Kind.ADMINISTRATIVE


def _recipient(unit: OrgUnit) -> str:
    """Whom a yearly report goes up to: a body and a commune under a district report to the
    district's committee; a district or a commune under the province to the province's Sở
    GD&ĐT; a province to the Ministry."""
    parent = OrgUnit.objects.get_parent(unit)
    level = unit.level.code if unit.level_id else ""
    if level == "province" or parent is None:
        return MINISTRY
    admin_parent = administrative_of(parent) if is_body(unit) else parent
    if is_body(unit):
        return committee_of(admin_parent) if admin_parent else parent.name
    parent_level = parent.level.code if parent.level_id else ""
    if parent_level == "province":
        name = parent.name
        return f"{DEPARTMENT} {name[0].lower()}{name[1:]}"
    return committee_of(parent)


def _abbreviation(unit: OrgUnit) -> str:
    """The body's abbreviation in a number symbol: UBND for a committee; a body's short
    name without spaces ("Phòng GD&ĐT" -> "GD&ĐT"), which the office can change."""
    if not is_body(unit):
        return "UBND"
    short = unit.short_name or unit.name
    for word in ("Phòng ", "Trung tâm ", "Hội "):
        short = short.removeprefix(word)
    return "".join(short.split()).upper()


def default_signer(unit: OrgUnit) -> Signer:
    """The head's block with the name left for the office: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
    for a committee; the head of a body otherwise."""
    if not is_body(unit):
        return Signer("", "CHỦ TỊCH", (f"{ON_BEHALF} {PEOPLES_COMMITTEE.upper()}",))
    heads = {OrgUnit.Kind.DEPARTMENT: "TRƯỞNG PHÒNG", OrgUnit.Kind.ASSOCIATION: "CHỦ TỊCH"}
    return Signer("", heads.get(unit.kind, "GIÁM ĐỐC"))


def default_letterhead(unit: OrgUnit, year: int) -> Letterhead:
    """The letterhead a unit's yearly report starts from (no signer): a committee shows no
    parent line; a body shows its committee above its own name."""
    if is_body(unit):
        admin = administrative_of(unit)
        parent = f"UBND {admin.name}" if admin else ""
        issuer = unit.name
    else:
        parent, issuer = "", committee_of(unit)
    return Letterhead(
        parent_name=parent,
        issuer_name=issuer,
        symbol=f"BC-{_abbreviation(unit)}",
        place=place_name(unit),
        recipients=(_recipient(unit),),
        filing="Lưu: VT.",
    )


def is_steering(plan) -> bool:
    """The plan was issued by a steering committee in its own series ("08/KH-BCĐ")."""
    return "BCĐ" in plan.number.split("/", 1)[-1].split("-")


def steering_signer(plan) -> Signer:
    """The advisory form the plan was signed in: its title in the committee over the
    signer's position in the host committee ("Trưởng ban; Phó Chủ tịch Ủy ban nhân dân");
    the name is left for the office (the signer of the plan may have changed)."""
    parts = [p.strip() for p in (plan.signer_title or "").split(";") if p.strip()]
    position = parts[0] if parts else "Trưởng ban"
    host = parts[1] if len(parts) > 1 else ""
    return Signer("", position.upper(), (), host_position=host.upper())


def letterhead_for(plan, unit: OrgUnit, year: int) -> Letterhead:
    """The letterhead a yearly report on `plan` starts from: a steering committee reporting
    on its own plan (the plan's owner, a plan numbered KH-BCĐ) in its own series (BC-BCĐ)
    under its host, signed in the advisory form; otherwise the unit's own, signed by its head."""
    base = default_letterhead(unit, year)
    if is_steering(plan) and plan.owner_id == unit.pk and not is_body(unit):
        return dataclasses.replace(
            base,
            parent_name=f"UBND {unit.name}",
            issuer_name=plan.issuer,
            symbol="BC-BCĐ",
            signer=steering_signer(plan),
        )
    return dataclasses.replace(base, signer=default_signer(unit))


# The type of the plan reported on, as the trích yếu names it ("Kết quả thực hiện Kế hoạch
# số 08/KH-BCĐ"): document types of NĐ 30/2020 Phụ lục III, keyed by plans.Plan.Kind.
PLAN_KIND_WORDS = {
    "plan": "Kế hoạch",
    "scheme": "Đề án",
    "programme": "Chương trình",
    "directive": "Chỉ thị",
    "resolution": "Nghị quyết",
    "decision": "Quyết định",
}
