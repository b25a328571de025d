"""Issuing: the exact .docx and its snapshot kept for good, downloaded again byte for byte,
and the figures that changed since in the data listed."""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal

import pytest
from docx import Document as WordDocument

from indicators.models import DataValue
from indicators.services import record_value
from reports import changes, services
from reports.models import IssuedReport
from reports.yearly import compose

from .conftest import YEAR


def _issue(world, **kw):
    return services.issue(world.plan.plan, world.tree.district_a, YEAR,
                          actor=world.users.district_admin, **kw)  # fmt: skip


def _text(data: bytes) -> str:
    document = WordDocument(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_issuing_keeps_the_document_with_its_number_and_snapshot(world, office_draft):
    report = _issue(world)
    data = bytes(report.docx)
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    text = _text(data)
    assert f"{report.number:02d}/BC-UBND" in text
    assert "Nguyễn Văn A" in text and "KT. CHỦ TỊCH" in text
    assert report.issued_by == world.users.district_admin
    assert report.snapshot["figures"] and "values" in report.snapshot
    assert report.draft_data["signer_name"] == "Nguyễn Văn A"


def test_an_issued_report_cannot_be_changed_or_deleted(world, office_draft):
    report = _issue(world)
    report.issuer_name = "Khác"
    with pytest.raises(TypeError):
        report.save()
    with pytest.raises(TypeError):
        IssuedReport.objects.filter(pk=report.pk).update(issuer_name="Khác")
    with pytest.raises(TypeError):
        report.delete()
    assert IssuedReport.objects.get(pk=report.pk).issuer_name != "Khác"


def test_the_draft_goes_on_while_the_issued_report_stays(world, office_draft):
    report = _issue(world)
    services.save_draft(world.plan.plan, world.tree.district_a, YEAR,
                        services.DraftChanges(fields={"signer_name": "Trần Thị B"}),
                        actor=world.users.district_admin)  # fmt: skip
    again = IssuedReport.objects.get(pk=report.pk)
    assert bytes(again.docx) == bytes(report.docx)
    assert "Nguyễn Văn A" in _text(bytes(again.docx))


def test_issuing_needs_a_saved_draft_its_signer_and_the_version_read(world):
    with pytest.raises(services.ReportRefused):
        _issue(world)
    services.save_draft(world.plan.plan, world.tree.district_a, YEAR, services.DraftChanges(
        fields={"signer_name": ""}, cleared=frozenset({"signer_name"})),
        actor=world.users.district_admin)  # fmt: skip
    with pytest.raises(services.ReportRefused) as refused:
        _issue(world)
    assert "signer_name" in refused.value.errors
    services.save_draft(world.plan.plan, world.tree.district_a, YEAR, services.DraftChanges(
        fields={"signer_name": "Nguyễn Văn A"}), actor=world.users.district_admin)  # fmt: skip
    with pytest.raises(services.ReportRefused) as stale:
        _issue(world, expected_version=1)
    assert stale.value.stale
    assert _issue(world, expected_version=2).number == 1


def test_a_later_correction_shows_as_a_change_since_the_report(world, office_draft):
    report = _issue(world)
    fresh = compose(world.plan.plan, world.tree.district_a, YEAR).snapshot
    assert changes.compare(report.snapshot, fresh).unchanged
    # Thị trấn A2 reaches level 2 after the report: the commune-count target changes.
    record_value(unit=world.tree.commune_a2, period=world.ind.periods[YEAR],
                 element=world.ind.level, value=Decimal(2),
                 source=DataValue.Source.ENTERED)  # fmt: skip
    fresh = compose(world.plan.plan, world.tree.district_a, YEAR).snapshot
    comparison = changes.compare(report.snapshot, fresh)
    assert not comparison.unchanged
    assert comparison.values_changed == 1
    assert comparison.figures, "a figure shown in the report should have changed"
    assert all(c.old != c.new for c in comparison.figures)
