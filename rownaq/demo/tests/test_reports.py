"""The demo's monthly reports are written in bulk: every report's history must follow the monitoring table
(``REPORT_STATES``), with one kept version per submission, the same for the same seed."""

from __future__ import annotations

import datetime as dt

import pytest

from rownaq.demo.province import demo_province_build
from rownaq.demo.reports import demo_reports, demo_reports_build
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.monitoring import figures
from rownaq.monitoring.models import ReportState
from rownaq.monitoring.services import line_utilisation
from rownaq.monitoring.workflow import REPORT_STATES, report_steps

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def demo() -> Province:
    qom = Province.objects.get(code="25")
    demo_province_build(province=qom, units=150, seed=7, today=TODAY)
    summary = demo_reports_build(province=qom, seed=7, today=TODAY)
    assert summary.reports > 300
    assert demo_reports_build(province=qom, seed=7, today=TODAY).reports == 0  # once
    return qom


def test_every_report_follows_the_workflow_with_its_versions(demo: Province) -> None:
    reports = list(demo_reports(province=demo).prefetch_related("events", "versions", "lines"))
    assert {r.state for r in reports} == set(ReportState.values)
    for report in reports:
        steps = report_steps(report)
        assert REPORT_STATES.path_errors(steps, final=report.state) == [], report.pk
        assert len(report.versions.all()) == sum(1 for s in steps if s.action == "submit")
        assert report.version == len(steps)
        for line in report.lines.all():
            assert line.utilisation == line_utilisation(line.quantity, line.monthly_capacity)
    assert any(len(report.versions.all()) == 2 for report in reports)  # returned, corrected, approved


def test_some_units_are_near_suspension(demo: Province) -> None:
    rows = figures.units_missing_months(Places.province(demo), today=TODAY, least=4)
    assert any(row.near_suspension for row in rows)
