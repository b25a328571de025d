"""The admin: issued reports read only; a register's counter never below a number given."""

from __future__ import annotations

from django.urls import reverse

from reports import services
from reports.models import IssuedReport, RegisterCounter

from .conftest import YEAR


def test_an_issued_report_is_read_only_in_the_admin(client_as, world, office_draft):
    report = services.issue(world.plan.plan, world.tree.district_a, YEAR,
                            actor=world.users.district_admin)  # fmt: skip
    admin = client_as("superuser")
    url = reverse("admin:reports_issuedreport_change", args=[report.pk])
    page = admin.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin.post(url, {"issuer_name": "Khác"}).status_code == 403
    delete = reverse("admin:reports_issuedreport_delete", args=[report.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    assert IssuedReport.objects.get(pk=report.pk).issuer_name == report.issuer_name


def test_a_counter_cannot_be_set_below_a_number_given(client_as, world, office_draft):
    for _ in range(2):
        services.issue(world.plan.plan, world.tree.district_a, YEAR,
                       actor=world.users.district_admin)  # fmt: skip
    counter = RegisterCounter.objects.get()
    url = reverse("admin:reports_registercounter_change", args=[counter.pk])
    admin = client_as("superuser")
    refused = admin.post(url, {"last_number": 1})
    assert refused.status_code == 200 and "đã được cấp" in refused.content.decode()
    assert RegisterCounter.objects.get().last_number == 2
    # The office's paper register is further on: XHHT continues from its number.
    assert admin.post(url, {"last_number": 15}).status_code == 302
    report = services.issue(world.plan.plan, world.tree.district_a, YEAR,
                            actor=world.users.district_admin)  # fmt: skip
    assert report.number == 16
