"""Referral deadlines run in working days of the case's province: where the offices close on Thursdays (the
system admin's data), a due date skips Thursdays, and the case page counts the days left the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, User
from rownaq.accounts.testing import browser_for
from rownaq.geography.models import Province
from rownaq.obstacles import workflow
from rownaq.obstacles.models import Case, CaseState
from rownaq.registry.models import Unit
from rownaq.workdays.models import Holiday, Weekday, WeeklyDayOff

pytestmark = pytest.mark.django_db

WEDNESDAY_MORNING = dt.datetime(2025, 10, 15, 6, 0, tzinfo=dt.UTC)  # 23 Mehr 1404 in Tehran


@pytest.fixture
def wednesday(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_MORNING)
    day = WEDNESDAY_MORNING.date()
    assert not Holiday.objects.filter(date__range=(day, day + dt.timedelta(days=14))).exists()
    return day


def test_a_due_date_skips_thursday_where_the_province_closes_it_and_not_in_qom(
    wednesday: dt.date,
    make_case: Callable[..., Case],
    far_unit: Unit,
    isfahan: Province,
    expert: User,
    far_expert: User,
    bank: Organisation,
    make_agency: Callable[..., Organisation],
) -> None:
    WeeklyDayOff.objects.create(province=isfahan, weekday=Weekday.THURSDAY)
    isfahan_bank = make_agency("بانک ملت، مدیریت شعب اصفهان", AgencyCode.BANK, OrganisationKind.BANK, province=isfahan)
    in_qom = make_case(CaseState.ACCEPTED)
    in_isfahan = make_case(CaseState.ACCEPTED, unit=far_unit)
    workflow.case_refer(case=in_qom, agencies=[bank], by=expert, working_days=3)
    workflow.case_refer(case=in_isfahan, agencies=[isfahan_bank], by=far_expert, working_days=3)

    # Qom: Thursday (1), Friday off, Saturday (2), Sunday (3).
    assert in_qom.referrals.get().due_on == dt.date(2025, 10, 19)
    # Isfahan: Thursday and Friday off, Saturday (1), Sunday (2), Monday (3).
    assert in_isfahan.referrals.get().due_on == dt.date(2025, 10, 20)

    # The case page counts the days left in the province's working days too (4 if Thursday were counted).
    page = browser_for(far_expert).get(reverse("obstacles-case-detail", args=[in_isfahan.pk]))
    assert [row["days_left"] for row in page.context["referrals"]] == [3]
    page = browser_for(expert).get(reverse("obstacles-case-detail", args=[in_qom.pk]))
    assert [row["days_left"] for row in page.context["referrals"]] == [3]
