"""The dashboard's scope: a province's staff see their province whatever they ask; national staff choose a
province or the whole country."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.periods import Period
from rownaq.geography.models import County
from rownaq.monitoring.models import MonthlyReport, ReportState
from rownaq.monitoring.services import last_reportable_month
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db


def submitted(unit: Unit, period: Period) -> None:
    MonthlyReport.objects.create(unit=unit, year=period.year, month=period.number, state=ReportState.SUBMITTED)


def count_submitted(html: str) -> str:
    start = html.index('id="count-submitted"')
    return html[html.index(">", start) + 1 : html.index("</a>", start)]


def test_national_staff_see_a_province_or_the_whole_country(
    make_unit: Callable[..., Unit],
    make_user: Callable[..., User],
    make_org: Callable[..., Organisation],
    expert: User,
) -> None:
    month = last_reportable_month()
    tehran_county = County.objects.filter(province__code="23").first()
    assert tehran_county is not None
    submitted(make_unit("واحد قم"), month)
    submitted(make_unit("واحد تهران ۱", county=tehran_county), month)
    submitted(make_unit("واحد تهران ۲", county=tehran_county), month)
    national = make_user("national", Role.SMT_EXPERT, make_org("وزارت صمت", OrganisationKind.SMT, None))

    client = browser_for(national)
    whole = client.get("/monitoring/?province=all").content.decode()
    assert count_submitted(whole) == "۳"
    assert 'id="dashboard-province"' in whole
    assert count_submitted(client.get("/monitoring/?province=23").content.decode()) == "۲"
    # a province's expert stays in their province, whatever they ask for
    own = browser_for(expert).get("/monitoring/?province=all").content.decode()
    assert count_submitted(own) == "۱"
    assert 'id="dashboard-province"' not in own
