"""A status and its coverage in words: never a bare "met" on partial data."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import translation

from indicators.coverage import Coverage
from monitoring.queries import status_text


def _row(status: str, coverage: Coverage | None):
    partial = coverage is not None and coverage.partial
    return SimpleNamespace(status=status, coverage=coverage, partial=partial)


def test_a_met_target_on_partial_data_is_never_a_bare_met():
    with translation.override("vi"):
        assert status_text(_row("met", Coverage(2, 12))) == "Đạt — 2/12 đơn vị báo cáo"
        assert status_text(_row("met", Coverage(12, 12))) == "Đạt"
        assert status_text(_row("met", Coverage(0, 0))) == "Đạt"
        assert status_text(_row("no_data", Coverage(0, 12))).endswith("0/12 đơn vị báo cáo")
