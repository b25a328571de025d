"""The recognition box of a unit's dashboard: a commune's decision in force, a refusal of the
year with its reasons, and the district's count of communes recognised."""

from __future__ import annotations

import datetime

import pytest

from monitoring.panels import panels
from recognition import services, testing
from recognition.panels import recognition_panel


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return testing.build_world()


def test_a_recognition_shows_on_the_commune_and_counts_for_the_district(world):
    root = world.users.superuser
    testing.application(world.tree.commune_a1, root, year=2024, upto="recognised")
    refused = testing.application(world.tree.commune_a2, root, year=2024, upto="in_council")
    day = datetime.date(2025, 3, 2)
    services.record_opinion(refused, met_on=day, opinion="Chưa đạt", recommendation="refuse",
                            version=refused.version, actor=root)  # fmt: skip
    refused.refresh_from_db()
    services.decide(refused, outcome="refused", number="7/PGDĐT", signed_on=day, signer="A",
                    reasons="Chỉ số X5.1 chưa đạt", actor=root)  # fmt: skip

    commune = recognition_panel(root, world.tree.commune_a1, 2024)
    [(label, text)] = commune.lines
    assert "mức độ 1" in label and "15/QĐ-PGDĐT" in text and "2027" in text
    assert commune.link.endswith(f"/units/{world.tree.commune_a1.ref}/recognition/")
    # kept ("bảo lưu") through 2027, gone after
    assert recognition_panel(root, world.tree.commune_a1, 2027) is not None
    assert recognition_panel(root, world.tree.commune_a1, 2028) is None

    [(label, text)] = recognition_panel(root, world.tree.commune_a2, 2024).lines
    assert "X5.1 chưa đạt" in text and "7/PGDĐT" in text

    district = recognition_panel(root, world.tree.district_a, 2024)
    assert district.lines[-1][1].startswith("1 trên 2 xã")
    assert recognition_panel(root, world.tree.district_b, 2023) is None


def test_the_dashboard_registry_holds_the_recognition_panel():
    from monitoring import panels as registry

    assert recognition_panel in registry._builders
    assert panels is registry.panels
