"""The agency scoreboard: answered in time, average working days, overdue now, ranks only with enough cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.core.periods import Period
from rownaq.geography.models import County, Province
from rownaq.geography.places import Places
from rownaq.hq import scoreboard
from rownaq.hq.models import Commitment, Meeting, MeetingState, Party, Resolution
from rownaq.obstacles import actions
from rownaq.obstacles.models import Case, CaseEvent, CaseState, ObstacleCategory, Referral, ReferralState
from rownaq.registry.models import Unit
from rownaq.workdays.models import Weekday, WeeklyDayOff

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 18)  # a Wednesday


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def category() -> ObstacleCategory:
    category, _created = ObstacleCategory.objects.update_or_create(
        code="tax-test", defaults={"name": "مالیات", "name_en": "Tax", "agency_codes": ["tax"]}
    )
    return category


@pytest.fixture
def make_case(unit: Unit, expert: User, category: ObstacleCategory) -> Callable[..., Case]:
    def make(**fields: object) -> Case:
        defaults: dict[str, object] = {"title": "مانع", "description": "شرح", "state": CaseState.REFERRED}
        defaults.update(fields)
        return Case.objects.create(unit=unit, category=category, filed_by=expert, **defaults)  # type: ignore[arg-type]

    return make


def refer(
    case: Case, agency: Organisation, by: User, *, on: dt.date, due: dt.date, answered: dt.date | None = None
) -> Referral:
    return Referral.objects.create(
        case=case,
        agency=agency,
        referred_by=by,
        referred_at=at(on),
        working_days=5,
        due_on=due,
        state=ReferralState.ANSWERED if answered else ReferralState.OPEN,
        answered_at=at(answered) if answered else None,
        answer="پاسخ" if answered else "",
    )


@override_settings(ROWNAQ_SCOREBOARD_MIN_CASES=3)
def test_agencies_are_scored_and_ranked_only_with_enough_cases(
    qom: Province, expert: User, make_org: Callable[..., Organisation], make_case: Callable[..., Case]
) -> None:
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    gas = make_org("شرکت گاز استان قم", OrganisationKind.AGENCY)
    power = make_org("شرکت توزیع نیروی برق استان قم", OrganisationKind.AGENCY)
    monday = dt.date(2025, 6, 2)
    # tax: 3 answered in time (Mon → Wed is 2 working days), 1 late, 1 overdue now
    for _ in range(3):
        refer(make_case(), tax, expert, on=monday, due=dt.date(2025, 6, 9), answered=dt.date(2025, 6, 4))
    refer(make_case(), tax, expert, on=monday, due=dt.date(2025, 6, 9), answered=dt.date(2025, 6, 11))
    refer(make_case(), tax, expert, on=monday, due=dt.date(2025, 6, 9))
    # gas: 3 answered in time, quickly
    for _ in range(3):
        refer(make_case(), gas, expert, on=monday, due=dt.date(2025, 6, 9), answered=dt.date(2025, 6, 3))
    # power: 1 answered: too few to rank
    refer(make_case(), power, expert, on=monday, due=dt.date(2025, 6, 9), answered=dt.date(2025, 6, 3))

    rows = {row.name: row for row in scoreboard.agency_scoreboard(Places.province(qom), today=TODAY)}
    taxes = rows["اداره کل امور مالیاتی استان قم"]
    assert (taxes.received, taxes.answered, taxes.answered_on_time, taxes.overdue_now) == (5, 4, 3, 1)
    assert taxes.on_time_share == pytest.approx(3 / 5)
    # Mon 2 June → Wed 4 June 2025: 1 working day, since 4 and 5 June are 14 and 15 Khordad 1404,
    # official holidays; → Wed 11 June: 6 (Tue 3, then Sat 7 to Wed 11; Friday 6 June is off)
    assert taxes.working_days_to_answer == [1, 1, 1, 6]
    assert rows["شرکت گاز استان قم"].rank == 1
    assert taxes.rank == 2
    assert rows["شرکت توزیع نیروی برق استان قم"].rank is None  # one case: no rank


def test_withdrawn_referrals_do_not_count_and_months_are_jalali(
    qom: Province, expert: User, make_org: Callable[..., Organisation], make_case: Callable[..., Case]
) -> None:
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    referral = refer(make_case(), tax, expert, on=dt.date(2025, 5, 10), due=dt.date(2025, 5, 20))
    referral.state = ReferralState.WITHDRAWN
    referral.save()
    refer(make_case(), tax, expert, on=dt.date(2025, 5, 10), due=dt.date(2025, 5, 20), answered=dt.date(2025, 5, 12))
    refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8), answered=dt.date(2025, 6, 2))
    months = scoreboard.agency_months(Places.province(qom), tax.pk, today=TODAY)
    # 10 May 2025 is 20 Ordibehesht 1404, 1 June is 11 Khordad; the withdrawn referral is not counted
    assert [(key, row.received, row.answered_on_time) for key, row in months] == [("1404/02", 1, 1), ("1404/03", 1, 1)]


def test_a_referral_withdrawn_by_the_expert_is_not_counted_against_the_agency(
    qom: Province,
    expert: User,
    make_org: Callable[..., Organisation],
    make_case: Callable[..., Case],
    make_user: Callable[..., User],
    client: Any,
) -> None:
    """The expert withdraws an overdue referral sent to the wrong agency: it leaves the agency's figures and the
    list of cases behind them; one the agency returned as not its own is not overdue against it either."""
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    tax.agency_code = AgencyCode.TAX
    tax.save(update_fields=["agency_code"])
    liaison = make_user("tax_test_liaison", Role.AGENCY_LIAISON, tax)
    wrong = refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8))
    returned = refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8))
    answered = refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8), answered=TODAY)
    [before] = scoreboard.agency_scoreboard(Places.province(qom), today=TODAY)
    assert (before.received, before.overdue_now, before.judged) == (3, 2, 3)

    actions.act(case=wrong.case, action="withdraw_referral", by=expert, data={"referral": wrong, "reason": "اشتباه"})
    actions.act(case=returned.case, action="return_referral", by=liaison, data={"reason": "مربوط به ما نیست"})

    [after] = scoreboard.agency_scoreboard(Places.province(qom), today=TODAY)
    assert (after.received, after.overdue_now, after.judged, after.answered) == (2, 0, 1, 1)
    client.force_login(expert)
    behind = client.get(reverse("obstacles-case-list"), {"agency": tax.pk}).context["page"]
    assert {case.pk for case in behind} == {returned.case_id, answered.case_id}


def test_working_days_to_answer_skip_thursdays_where_the_province_closes_them(
    qom: Province, expert: User, make_org: Callable[..., Organisation], make_case: Callable[..., Case]
) -> None:
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    # Referred on Wednesday 14 May 2025, answered on Saturday 17 May (no official holiday between).
    refer(make_case(), tax, expert, on=dt.date(2025, 5, 14), due=dt.date(2025, 5, 25), answered=dt.date(2025, 5, 17))

    def days() -> list[int]:
        [row] = scoreboard.agency_scoreboard(Places.province(qom), today=TODAY)
        [(_month, monthly)] = scoreboard.agency_months(Places.province(qom), tax.pk, today=TODAY)
        assert monthly.working_days_to_answer == row.working_days_to_answer
        return row.working_days_to_answer

    assert days() == [2]  # Thursday and Saturday
    WeeklyDayOff.objects.create(province=qom, weekday=Weekday.THURSDAY)
    assert days() == [1]  # Saturday only


def test_obstacle_counts_and_money_unlocked_this_year(
    qom: Province, expert: User, make_case: Callable[..., Case], make_org: Callable[..., Organisation]
) -> None:
    resolved = make_case(state=CaseState.CLOSED, money_released=40_000_000_000)
    CaseEvent.objects.create(case=resolved, action="resolve", from_state="answered", to_state="resolved", by=expert)
    make_case(state=CaseState.SUBMITTED)
    make_case(state=CaseState.MERGED)
    counts = scoreboard.obstacle_counts(Places.province(qom))
    assert counts.resolved_this_year == 1
    assert counts.money_unlocked == 40_000_000_000
    assert counts.open_cases == 1
    assert sum(row["count"] for row in counts.by_category) == 2  # merged cases are not counted twice


def test_scoreboard_page_for_province_staff_only(
    client: Any,
    expert: User,
    liaison: User,
    manager: User,
    make_org: Callable[..., Organisation],
    make_case: Callable[..., Case],
) -> None:
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8), answered=dt.date(2025, 6, 2))
    client.force_login(expert)
    page = client.get(reverse("hq-scoreboard"))
    assert page.status_code == 200
    assert [row.name for row in page.context["rows"]] == ["اداره کل امور مالیاتی استان قم"]
    assert f"?agency={tax.pk}" in page.content.decode()  # the number links to the cases behind it
    agency = client.get(reverse("hq-scoreboard-agency", args=[tax.pk]))
    assert [key for key, _row in agency.context["months"]] == ["1404/03"]
    for person in (liaison, manager):
        client.force_login(person)
        assert client.get(reverse("hq-scoreboard")).status_code == 403


def test_an_unknown_province_is_not_found_rather_than_an_error(client: Any, admin_user: User) -> None:
    client.force_login(admin_user)  # national staff pick the province by its code
    assert client.get(reverse("hq-scoreboard"), {"province": "zz"}).status_code == 404


def test_every_scoreboard_number_matches_the_list_behind_it(
    client: Any, expert: User, make_org: Callable[..., Organisation], make_case: Callable[..., Case], unit: Unit
) -> None:
    tax = make_org("اداره کل امور مالیاتی استان قم", OrganisationKind.AGENCY)
    tax.agency_code = "tax"
    tax.save()
    refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8), answered=dt.date(2025, 6, 2))
    refer(make_case(), tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8))
    closed = make_case(state=CaseState.CLOSED, money_released=5_000_000_000)
    CaseEvent.objects.create(case=closed, action="resolve", from_state="answered", to_state="resolved", by=expert)
    make_case(state=CaseState.SUBMITTED)
    client.force_login(expert)
    page = client.get(reverse("hq-scoreboard"))
    counts = page.context["counts"]
    received = {row.agency_id: row.received for row in page.context["rows"]}

    def listed(**params: object) -> int:
        return int(client.get(reverse("obstacles-case-list"), params).context["page"].paginator.count)

    assert listed(agency=tax.pk) == received[tax.pk] == 2
    assert listed(state="open") == counts.open_cases
    assert listed(resolved_this_year=1) == counts.resolved_this_year == 1
    division = unit.sector.code[:2]
    by_sector = {row["unit__sector__parent__parent__code"]: row["count"] for row in counts.by_sector}
    assert listed(sector=division) == by_sector[division]

    months = client.get(reverse("hq-scoreboard-agency", args=[tax.pk])).context["months"]
    for month, figures in months:
        assert listed(agency=tax.pk, month=month) == figures.received


def test_the_scoreboard_of_a_county_a_province_two_provinces_and_the_nation(
    qom: Province,
    qom_county: County,
    expert: User,
    deputy: User,
    make_org: Callable[..., Organisation],
    make_unit: Callable[..., Unit],
    category: ObstacleCategory,
) -> None:
    isfahan = Province.objects.get(code="10")
    counties = [
        qom_county,
        County.objects.filter(province=qom).exclude(pk=qom_county.pk).order_by("pk")[0],
        County.objects.filter(province=isfahan).order_by("pk")[0],
        County.objects.exclude(province__in=[qom, isfahan]).order_by("pk")[0],
    ]
    tax = make_org("سازمان امور مالیاتی کشور", OrganisationKind.AGENCY, None)  # national: answers everywhere
    for county in counties:
        unit = make_unit(f"واحد {county.pk}", county=county)
        case = Case.objects.create(unit=unit, category=category, filed_by=expert, title="مانع", description="شرح")
        refer(case, tax, expert, on=dt.date(2025, 6, 1), due=dt.date(2025, 6, 8), answered=dt.date(2025, 6, 2))
    # One resolution of Isfahan's HQ binds the agency, carried out on time.
    meeting = Meeting.objects.create(
        province=isfahan, number=1, held_on=dt.date(2025, 6, 1), state=MeetingState.HELD, created_by=deputy
    )
    resolution = Resolution.objects.create(
        meeting=meeting, number=1, text="مصوبه", objection_until=dt.date(2025, 6, 10)
    )
    Commitment.objects.create(
        resolution=resolution,
        party=Party.AGENCY,
        owner=tax,
        text="اقدام",
        deadline=dt.date(2025, 6, 10),
        done_on=dt.date(2025, 6, 5),
    )
    in_county, in_province = Places.county(qom_county), Places.province(qom)
    two, nation = Places.provinces([qom, isfahan]), Places.whole_nation()

    def row(places: Places, period: Period | None = None) -> tuple[int, int]:
        (found,) = [r for r in scoreboard.agency_scoreboard(places, period, today=TODAY) if r.agency_id == tax.pk]
        return found.received, found.resolutions_judged

    assert [row(places) for places in (in_county, in_province, two, nation)] == [(1, 0), (2, 0), (3, 1), (4, 1)]
    assert row(Places.county(counties[2])) == (1, 1)  # a county's HQ is its province's
    assert row(nation, Period.month(1404, 3)) == (4, 1)  # 1 June 2025 is 11 Khordad 1404
    assert scoreboard.agency_scoreboard(nation, Period.month(1404, 2), today=TODAY) == []
    months = scoreboard.agency_months(two, tax.pk, today=TODAY)
    assert [(key, figures.received) for key, figures in months] == [("1404/03", 3)]
    assert [scoreboard.obstacle_counts(p, today=TODAY).open_cases for p in (in_county, in_province, two, nation)] == [
        1,
        2,
        3,
        4,
    ]
