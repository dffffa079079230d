"""Referring a case to agencies with working-day deadlines, the agencies' answers, re-routing a case to
the agencies of a new category, and the agencies proposed by default."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.core.jalali import format_jalali
from rownaq.notifications.models import Notification
from rownaq.obstacles import referrals, workflow
from rownaq.obstacles.models import (
    Case,
    CaseState,
    ObstacleCategory,
    ReferralState,
)
from rownaq.obstacles.tests.kit import Kit, snapshot
from rownaq.obstacles.workflow import CaseError
from rownaq.workdays.models import Holiday
from rownaq.workdays.services import add_working_days

pytestmark = pytest.mark.django_db

S = CaseState


# -- referral ---------------------------------------------------------------------------------------

WEDNESDAY = dt.datetime(2024, 7, 10, 9, 0, tzinfo=dt.UTC)  # 20 Tir 1403; Thursday 11th a holiday, Friday 12th off


@pytest.fixture
def frozen_wednesday(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """``timezone.now()`` is Wednesday 10 July 2024 in Tehran; the next day is the only holiday for a month."""
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY)
    Holiday.objects.filter(date__range=(WEDNESDAY.date(), WEDNESDAY.date() + dt.timedelta(days=30))).delete()
    Holiday.objects.create(date=dt.date(2024, 7, 11), name="تعطیل رسمی آزمایشی")
    return WEDNESDAY.date()


class TestRefer:
    def test_one_referral_per_agency_due_in_working_days(
        self,
        kit: Kit,
        expert: User,
        frozen_wednesday: dt.date,
        bank_liaison: User,
        tax_liaison: User,
        liaison: User,
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office, kit.bank], by=expert, working_days=3)

        sent = list(case.referrals.order_by("agency__name"))
        assert {r.agency for r in sent} == {kit.bank, kit.tax_office}
        # Thursday is a holiday and Friday is off: Saturday, Sunday, Monday.
        due = dt.date(2024, 7, 15)
        assert due == add_working_days(frozen_wednesday, 3)
        for referral in sent:
            assert (referral.state, referral.working_days, referral.due_on) == (ReferralState.OPEN, 3, due)
            assert referral.referred_by == expert
        assert case.events.get().data == {"agencies": [kit.bank.pk, kit.tax_office.pk], "working_days": 3}
        for person in (bank_liaison, tax_liaison):
            assert format_jalali(due) in Notification.objects.get(recipient=person).text
        assert not Notification.objects.filter(recipient=liaison).exists()

    def test_default_working_days_from_settings(self, kit: Kit, expert: User, settings: Any) -> None:
        settings.ROWNAQ_REFERRAL_WORKING_DAYS = 7
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        referral = case.referrals.get()
        assert referral.working_days == 7
        assert referral.due_on == add_working_days(timezone.localdate(), 7)

    def test_refuses_an_agency_of_another_province(
        self, kit: Kit, expert: User, make_agency: Callable[..., Organisation], isfahan: Any
    ) -> None:
        far_bank = make_agency("بانک ملت اصفهان", AgencyCode.BANK, OrganisationKind.BANK, isfahan)
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_refer(case=case, agencies=[kit.bank, far_bank], by=expert)
        assert snapshot(case) == before

    def test_national_agency_is_allowed(self, kit: Kit, expert: User, make_org: Callable[..., Organisation]) -> None:
        national = make_org("سازمان ملی استاندارد", OrganisationKind.AGENCY, None)
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[national], by=expert)
        assert case.referrals.get().agency == national

    def test_refuses_no_agency_and_bad_day_counts(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_refer(case=case, agencies=[], by=expert)
        for days in (121, -1):
            with pytest.raises(CaseError):
                workflow.case_refer(case=case, agencies=[kit.bank], by=expert, working_days=days)
        assert snapshot(case) == before

    def test_re_referral_does_not_duplicate_open_referrals(self, kit: Kit, expert: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        assert sorted(case.referrals.values_list("agency__agency_code", flat=True)) == ["bank", "tax"]
        assert Case.objects.get(pk=case.pk).state == S.REFERRED

    def test_re_referral_after_an_answer_opens_a_new_one(self, kit: Kit, expert: User, bank_liaison: User) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert)
        workflow.referral_answer(
            referral=case.referrals.get(), by=bank_liaison, decision="done", answer="مدارک ناقص است"
        )
        workflow.case_refer(case=case, agencies=[kit.bank], by=expert, comment="مدارک تکمیل شد")
        assert list(case.referrals.order_by("pk").values_list("state", flat=True)) == [
            ReferralState.ANSWERED,
            ReferralState.OPEN,
        ]


class TestAnswer:
    def test_liaison_of_another_agency_is_refused(self, kit: Kit, tax_liaison: User, liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        before = snapshot(case)
        for person in (tax_liaison, liaison):
            with pytest.raises(PermissionDenied):
                workflow.referral_answer(referral=referral, by=person, decision="done", answer="پاسخ")
        assert snapshot(case) == before

    def test_answered_only_when_the_last_open_referral_is_answered(
        self, kit: Kit, expert: User, bank_liaison: User, tax_liaison: User
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        bank_referral = case.referrals.get(agency=kit.bank)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        workflow.referral_answer(referral=bank_referral, by=bank_liaison, decision="done", answer=" تسهیلات  تمدید شد ")
        case.refresh_from_db()
        assert case.state == S.REFERRED
        bank_referral.refresh_from_db()
        assert (bank_referral.state, bank_referral.answer, bank_referral.answered_by) == (
            ReferralState.ANSWERED,
            "تسهیلات تمدید شد",
            bank_liaison,
        )
        assert bank_referral.answered_at is not None
        assert Notification.objects.filter(recipient=expert, text__contains=kit.bank.name).exists()

        workflow.referral_answer(referral=tax_referral, by=tax_liaison, decision="done", answer="بدهی تقسیط شد")
        case.refresh_from_db()
        assert case.state == S.ANSWERED
        answers = case.events.filter(action="answer").order_by("pk")
        assert [(e.from_state, e.to_state) for e in answers] == [(S.REFERRED, S.REFERRED), (S.REFERRED, S.ANSWERED)]

    def test_an_answer_is_needed_and_given_once(self, kit: Kit, bank_liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        with pytest.raises(CaseError):
            workflow.referral_answer(referral=referral, by=bank_liaison, decision="done", answer="  ")
        workflow.referral_answer(referral=referral, by=bank_liaison, decision="done", answer="پاسخ")
        before = snapshot(case)
        referral.refresh_from_db()
        with pytest.raises(CaseError):
            workflow.referral_answer(referral=referral, by=bank_liaison, decision="done", answer="پاسخ دوم")
        assert snapshot(case) == before

    def test_agency_can_still_answer_after_escalation(self, kit: Kit, bank_liaison: User) -> None:
        case = kit.make_case(S.REFERRED)
        referral = case.referrals.get()
        referrals.referrals_escalate(today=referral.due_on + dt.timedelta(days=1))
        referral.refresh_from_db()
        workflow.referral_answer(referral=referral, by=bank_liaison, decision="done", answer="دیر، اما پاسخ")
        referral.refresh_from_db()
        assert referral.state == ReferralState.ANSWERED


class TestRecategorise:
    @pytest.fixture
    def energy(self, db: Any) -> ObstacleCategory:
        """Energy supply: answered by the tax office (kept) and the electricity company (new)."""
        return ObstacleCategory.objects.create(
            code="t-energy",
            name="تأمین برق",
            name_en="Electricity",
            agency_codes=[AgencyCode.TAX, AgencyCode.ELECTRICITY],
        )

    @pytest.fixture
    def customs(self, db: Any) -> ObstacleCategory:
        """Customs: no customs office of Qom is registered, so nobody answers it."""
        return ObstacleCategory.objects.create(
            code="t-customs", name="گمرک", name_en="Customs", agency_codes=[AgencyCode.CUSTOMS]
        )

    def test_re_routes_a_referred_case(
        self,
        kit: Kit,
        expert: User,
        energy: ObstacleCategory,
        make_agency: Callable[..., Organisation],
        make_user: Callable[..., User],
        isfahan: Any,
    ) -> None:
        power = make_agency("شرکت توزیع برق قم", AgencyCode.ELECTRICITY)
        make_agency("شرکت توزیع برق اصفهان", AgencyCode.ELECTRICITY, province=isfahan)
        power_liaison = make_user("power_liaison", Role.AGENCY_LIAISON, power)
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        workflow.case_recategorise(case=case, category=energy, by=expert, comment="موضوع برق است")

        case.refresh_from_db()
        assert case.category == energy
        assert case.state == S.REFERRED
        states = {r.agency.name: r.state for r in case.referrals.select_related("agency")}
        assert states == {
            kit.bank.name: ReferralState.WITHDRAWN,
            kit.tax_office.name: ReferralState.OPEN,
            power.name: ReferralState.OPEN,
        }
        assert case.referrals.get(agency=kit.tax_office) == tax_referral  # kept, not opened again
        assert Notification.objects.filter(recipient=power_liaison, text__contains=case.reference).exists()
        event = case.events.get(action="recategorise")
        assert event.data == {"from": kit.make_case().category_id, "to": energy.pk}

    def test_before_referral_only_the_category_changes(self, kit: Kit, expert: User, tax: ObstacleCategory) -> None:
        case = kit.make_case(S.SUBMITTED)
        workflow.case_recategorise(case=case, category=tax, by=expert)
        case.refresh_from_db()
        assert (case.category, case.state) == (tax, S.SUBMITTED)
        assert not case.referrals.exists()

    def test_same_category_is_refused(self, kit: Kit, expert: User, finance: ObstacleCategory) -> None:
        case = kit.make_case(S.ACCEPTED)
        before = snapshot(case)
        with pytest.raises(CaseError):
            workflow.case_recategorise(case=case, category=finance, by=expert)
        assert snapshot(case) == before

    def test_recategorising_away_from_every_agency_withdraws_all(
        self, kit: Kit, expert: User, customs: ObstacleCategory
    ) -> None:
        case = kit.make_case(S.REFERRED)
        workflow.case_recategorise(case=case, category=customs, by=expert)
        case.refresh_from_db()
        assert not case.referrals.filter(state=ReferralState.OPEN).exists()
        assert case.state != S.REFERRED

    def test_history_matches_the_state_when_all_referrals_are_withdrawn(
        self, kit: Kit, expert: User, customs: ObstacleCategory
    ) -> None:
        case = kit.make_case(S.REFERRED)
        workflow.case_recategorise(case=case, category=customs, by=expert)
        case.refresh_from_db()
        assert case.events.get(action="recategorise").to_state == case.state


def test_only_the_banks_named_by_the_filer_are_proposed_not_every_bank(
    make_case: Callable[..., Case], bank: Organisation, make_org: Callable[..., Organisation], tax_office: Organisation
) -> None:
    other_bank = make_org("بانک سپه، مدیریت شعب استان قم", OrganisationKind.BANK)
    other_bank.agency_code = AgencyCode.BANK
    other_bank.save()
    case = make_case(S.ACCEPTED)  # a finance case whose filer named ``bank``
    assert workflow.default_agencies(case) == [bank]
    case.agencies_concerned.clear()
    assert workflow.default_agencies(case) == []  # the expert chooses the bank
    tax_category = ObstacleCategory.objects.create(
        code="t-tax-only", name="مالیات", name_en="Tax", agency_codes=[AgencyCode.TAX]
    )
    assert workflow.default_agencies(case, tax_category) == [tax_office]
