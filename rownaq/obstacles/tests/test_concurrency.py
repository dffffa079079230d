"""Two people at once: optimistic locking by version, and row locks across connections (PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from rownaq.accounts.models import Role, User
from rownaq.notifications.models import Notification
from rownaq.obstacles import workflow
from rownaq.obstacles.models import (
    Case,
    CaseState,
    ReferralState,
)
from rownaq.obstacles.tests.kit import Kit
from rownaq.obstacles.workflow import StaleCaseError

pytestmark = pytest.mark.django_db

S = CaseState


# -- two people at once -----------------------------------------------------------------------------


class TestConcurrentEdits:
    def test_second_writer_with_the_old_version_is_refused(
        self, make_case: Callable[..., Case], expert: User, make_user: Callable[..., User], manager: User
    ) -> None:
        colleague = make_user("colleague", Role.SMT_EXPERT, expert.organisation)
        loaded = make_case()
        mine, theirs = Case.objects.get(pk=loaded.pk), Case.objects.get(pk=loaded.pk)
        assert mine.version == theirs.version == 1

        workflow.case_accept(case=mine, by=expert, expected_version=mine.version)
        with pytest.raises(StaleCaseError):
            workflow.case_reject(case=theirs, by=colleague, reason="تکراری", expected_version=theirs.version)

        fresh = Case.objects.get(pk=loaded.pk)
        assert (fresh.state, fresh.version, fresh.closed_at) == (S.ACCEPTED, 2, None)
        assert list(fresh.events.values_list("action", "by")) == [("accept", expert.pk)]
        assert not Notification.objects.filter(recipient=manager).exists()

    def test_the_current_version_goes_through(self, make_case: Callable[..., Case], expert: User) -> None:
        case = make_case()
        workflow.case_accept(case=case, by=expert, expected_version=1)
        workflow.case_reject(case=case, by=expert, reason="تکراری", expected_version=2)
        assert Case.objects.get(pk=case.pk).version == 3

    @pytest.mark.django_db(transaction=True)
    def test_two_connections_on_postgresql(
        self, make_case: Callable[..., Case], expert: User, make_user: Callable[..., User]
    ) -> None:
        """The first holds the row locked while the second tries with the same version: the second loses."""
        colleague = make_user("colleague", Role.SMT_EXPERT, expert.organisation)
        case = make_case()

        outcome = while_locked(
            case,
            holder=lambda: workflow.case_accept(case=Case.objects.get(pk=case.pk), by=expert, expected_version=1),
            waiter=lambda: workflow.case_reject(
                case=Case.objects.get(pk=case.pk), by=colleague, reason="تکراری", expected_version=1
            ),
        )

        assert isinstance(outcome, StaleCaseError)
        fresh = Case.objects.get(pk=case.pk)
        assert (fresh.state, fresh.version) == (S.ACCEPTED, 2)
        assert list(fresh.events.values_list("action", flat=True)) == ["accept"]

    @pytest.mark.django_db(transaction=True)
    def test_two_agencies_answering_at_once_on_postgresql(
        self, kit: Kit, expert: User, bank_liaison: User, tax_liaison: User
    ) -> None:
        case = kit.make_case(S.ACCEPTED)
        workflow.case_refer(case=case, agencies=[kit.bank, kit.tax_office], by=expert)
        bank_referral = case.referrals.get(agency=kit.bank)
        tax_referral = case.referrals.get(agency=kit.tax_office)

        outcome = while_locked(
            case,
            holder=lambda: workflow.referral_answer(
                referral=bank_referral, by=bank_liaison, decision="done", answer="بانک: انجام شد"
            ),
            waiter=lambda: workflow.referral_answer(
                referral=tax_referral, by=tax_liaison, decision="done", answer="مالیات: انجام شد"
            ),
        )

        assert outcome is None
        assert set(case.referrals.values_list("state", flat=True)) == {ReferralState.ANSWERED}
        assert Case.objects.get(pk=case.pk).state == S.ANSWERED


def while_locked(case: Case, *, holder: Callable[[], object], waiter: Callable[[], object]) -> BaseException | None:
    """Run ``waiter`` on a second connection while a first holds ``case`` locked; once the waiter is
    blocked on the lock, the first runs ``holder`` and commits. Returns what the waiter raised, if anything.
    PostgreSQL only: SQLite has no row locks."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are tested on PostgreSQL")
    locked, go = threading.Event(), threading.Event()
    raised: list[BaseException | None] = []

    def first() -> None:
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                locked.set()
                go.wait(timeout=10)
                holder()
        finally:
            connection.close()

    def second() -> None:
        locked.wait(timeout=10)
        try:
            waiter()
            raised.append(None)
        except BaseException as exc:
            raised.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    locked.wait(timeout=10)
    with connection.cursor() as cursor:
        for _ in range(200):  # up to 10 s for the second connection to queue on the row lock
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    go.set()
    for thread in threads:
        thread.join(timeout=20)
    assert len(raised) == 1
    return raised[0]
