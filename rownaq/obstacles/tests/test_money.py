"""The case page shows money in billion rials with the exact rials on hover, and takes it in billion rials."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.obstacles.models import Case, CaseState, ObstacleCategory, Referral, ReferralState
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

THIRTEEN_DIGITS = re.compile(r"[۰-۹](٬[۰-۹]{3}){4}")  # ۴٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰


def test_the_case_page_shows_every_amount_in_billion_rials(make_case: Callable[..., Case], expert: User) -> None:
    case = make_case(CaseState.RESOLVED, amount=4_000_000_000_000, money_released=623_000_000_000, referral="")
    Referral.objects.create(
        case=case,
        agency=case.agencies_concerned.get(),
        referred_by=expert,
        working_days=10,
        due_on=timezone.localdate(case.filed_at),
        state=ReferralState.ANSWERED,
        answer="تسهیلات تصویب شد",
        decision="partly_done",
        amount=12_500_000_000,
    )
    page = browser_for(expert).get(reverse("obstacles-case-detail", args=[case.pk])).content.decode()
    assert '<span class="money" title="۴٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال">۴٬۰۰۰ میلیارد ریال</span>' in page
    assert '<span class="money" title="۶۲۳٬۰۰۰٬۰۰۰٬۰۰۰ ریال">۶۲۳ میلیارد ریال</span>' in page
    assert '<span class="money" title="۱۲٬۵۰۰٬۰۰۰٬۰۰۰ ریال">۱۲٫۵ میلیارد ریال</span>' in page
    # The exact rials only on hover: no 13-digit amount in the text read on the page.
    assert not THIRTEEN_DIGITS.search(re.sub(r'title="[^"]*"', "", page))


def test_a_case_is_filed_with_its_amount_in_billion_rials(unit: Unit, manager: User, finance: ObstacleCategory) -> None:
    data = {"unit": unit.pk, "category": finance.pk, "title": "تسهیلات", "description": "شرح", "urgency": "high"}
    client = browser_for(manager)
    page = client.get(reverse("obstacles-case-file"), {"unit": unit.pk}).content.decode()
    assert "میلیارد ریال" in page  # the label says the unit

    refused = client.post(reverse("obstacles-case-file"), {**data, "amount": "۲٫۵ میلیارد"})
    assert refused.status_code == 200
    assert "مبلغ را به میلیارد ریال" in refused.content.decode()
    assert refused.context["form"]["amount"].value() == "۲٫۵ میلیارد"  # kept as typed
    assert not Case.objects.exists()

    client.post(reverse("obstacles-case-file"), {**data, "amount": "۲٫۵"})
    assert Case.objects.get().amount == 2_500_000_000


def test_the_outcome_form_takes_the_money_released_in_billion_rials(
    make_case: Callable[..., Case], expert: User
) -> None:
    case = make_case(CaseState.ANSWERED)
    client = browser_for(expert)
    data = {"version": case.version, "outcome_kind": "money_released", "comment": "پرداخت شد"}
    too_much = client.post(
        reverse("obstacles-case-action", args=[case.pk, "resolve"]), {**data, "money_released": "۲٬۰۰۰٬۰۰۰٬۰۰۰"}
    )
    assert too_much.status_code == 400
    assert "بیش از ۱٬۰۰۰٬۰۰۰٬۰۰۰ میلیارد ریال" in too_much.content.decode()
    client.post(reverse("obstacles-case-action", args=[case.pk, "resolve"]), {**data, "money_released": "0.75"})
    case.refresh_from_db()
    assert (case.state, case.money_released) == (CaseState.RESOLVED, 750_000_000)
