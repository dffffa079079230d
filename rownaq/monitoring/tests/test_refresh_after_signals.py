"""An agency's feed received: the province's risk of last month is scored again with it (in the background),
and the demo's history, written whole, queues nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rownaq.accounts.models import Organisation, User
from rownaq.core.testing import run_worker
from rownaq.monitoring.feeds import feed_push
from rownaq.monitoring.figures import month_index, month_of
from rownaq.monitoring.models import RiskRun, RiskRunState, RiskScore, SignalKind, SignalSource
from rownaq.monitoring.risk_scoring import risk_score_province
from rownaq.monitoring.services import last_reportable_month
from rownaq.monitoring.tests.risk_history import build_province
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)


def push_cheques(bank: Organisation, liaison: User, unit: Unit, count: int, **source: str) -> None:
    """The bank's liaison sends last month's returned cheques of ``unit``."""
    last = last_reportable_month()
    feed_push(
        organisation=bank,
        year=last.year,
        month=last.number,
        rows=[{"national_id": unit.national_id, "name": "", "kind": SignalKind.RETURNED_CHEQUES, "value": count}],
        by=liaison,
        **source,
    )


def test_a_banks_feed_scores_the_month_again(
    make_unit: Callable[..., Unit], bank: Organisation, bank_liaison: User
) -> None:
    last = last_reportable_month()
    build_province(make_unit, first=month_of(month_index(last) - 29), months=30, units=80)
    unit = Unit.objects.order_by("pk").first()
    assert unit is not None
    assert bank.province is not None
    run = risk_score_province(province=bank.province, period=last)
    assert run.state == RiskRunState.DONE, run.message
    before = RiskScore.objects.get(unit=unit, year=last.year, month=last.number)

    push_cheques(bank, bank_liaison, unit, 3)
    run_worker()

    after = RiskScore.objects.get(unit=unit, year=last.year, month=last.number)
    assert after.computed_at > before.computed_at
    run = RiskRun.objects.get()
    assert run.state == RiskRunState.DONE
    assert run.scored_units == RiskScore.objects.filter(year=last.year, month=last.number).count()


def test_a_month_not_scored_yet_waits_for_the_monthly_task(unit: Unit, bank: Organisation, bank_liaison: User) -> None:
    push_cheques(bank, bank_liaison, unit, 1)
    run_worker()
    assert not RiskRun.objects.exists()


def test_the_demos_history_queues_no_refresh(unit: Unit, bank: Organisation, bank_liaison: User) -> None:
    from django_tasks_db.models import DBTaskResult

    push_cheques(bank, bank_liaison, unit, 1, source=SignalSource.DEMO)
    assert not DBTaskResult.objects.filter(task_path__endswith="refresh_after_signals").exists()
    push_cheques(bank, bank_liaison, unit, 2)
    assert DBTaskResult.objects.filter(task_path__endswith="refresh_after_signals").count() == 1
