"""The desk's pages as people use them: posting with Persian digits and Jalali dates, lists, proposals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.needs import workflow
from rownaq.needs.matching_jobs import recompute_need
from rownaq.needs.models import (
    Agreement,
    Capability,
    DeclineReason,
    Need,
    NeedKind,
    NeedState,
    Proposal,
    ProposalState,
    SupplySource,
    Visibility,
)
from rownaq.needs.tests.desk import Desk, post_need
from rownaq.registry.models import Sector, Unit

pytestmark = pytest.mark.django_db


def need_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "بلبرینگ موتور الکتریکی",
        "description": "بلبرینگ ۶۲۰۵ برای موتور، امروز وارداتی",
        "kind": NeedKind.PART,
        "hs_code": "۸۴۸۲۱۰",
        "annual_quantity": "۱۲٬۵۰۰",
        "quantity_unit": "عدد",
        "supplied_from": SupplySource.IMPORTED,
        "yearly_value": "۳",  # billion rials
        "deadline": "۱۴۰۵/۰۶/۳۱",
        "visibility": Visibility.PUBLIC,
        "reply_days": "۷",
    }
    data.update(changes)
    return data


def test_a_manager_posts_a_need_with_persian_digits_and_a_jalali_deadline(
    unit: Unit, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = browser_for(manager)
    assert client.get(reverse("needs-need-post")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("needs-need-post"), need_data(unit=unit.pk))
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("needs-need-detail", args=[need.pk])
    assert (need.hs_code, need.annual_quantity, need.yearly_value, need.reply_days) == (
        "848210",
        12500,
        3_000_000_000,
        7,
    )
    assert format_jalali(need.deadline) == "۱۴۰۵/۰۶/۳۱"
    assert need.posted_by == manager
    assert len(callbacks) == 1  # the matching is enqueued after the commit

    html = client.get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert "بلبرینگ موتور الکتریکی" in html
    assert "۳٬۰۰۰٬۰۰۰٬۰۰۰" in html

    edit_data = need_data(title="بلبرینگ ۶۲۰۵", version=need.version)
    edit = client.post(reverse("needs-need-edit", args=[need.pk]), edit_data)
    assert edit.status_code == 302
    need.refresh_from_db()
    assert need.title == "بلبرینگ 6205"  # stored with Latin digits by the core normaliser


def test_the_need_form_refuses_other_units_and_bad_input(
    unit: Unit, other_unit: Unit, manager: User, investor: User, desk: Desk
) -> None:
    client = browser_for(manager)
    response = client.post(reverse("needs-need-post"), need_data(unit=other_unit.pk))
    assert response.status_code == 200
    assert not Need.objects.exists()
    response = client.post(reverse("needs-need-post"), need_data(unit=unit.pk, deadline="۱۴۰۵/۱۳/۴۰"))
    assert response.status_code == 200
    assert not Need.objects.exists()
    assert client.get(reverse("needs-need-post"), {"unit": other_unit.pk}).status_code == 404
    assert client.get(reverse("needs-need-post"), {"unit": "abc"}).status_code == 404
    assert client.get(reverse("needs-need-post"), {"unit": unit.pk}).status_code == 200
    for outsider in (investor, desk.lab):
        assert browser_for(outsider).get(reverse("needs-need-post")).status_code == 403
    need = post_need(unit, manager)
    assert browser_for(desk.lab).get(reverse("needs-need-edit", args=[need.pk])).status_code == 403


def test_an_expert_posts_for_a_unit_by_national_id(unit: Unit, expert: User) -> None:
    response = browser_for(expert).post(reverse("needs-need-post"), need_data(unit=unit.national_id))
    assert response.status_code == 302
    assert Need.objects.get().unit == unit


def test_the_need_list_filters(unit: Unit, manager: User, desk: Desk, django_assert_max_num_queries: Any) -> None:
    bearing = post_need(unit, manager, title="بلبرینگ پمپ", sector=Sector.objects.get(code="2814"))
    post_need(unit, manager, title="مواد اولیه لعاب", kind=NeedKind.RAW_MATERIAL, supplied_from=SupplySource.PROVINCE)
    client = browser_for(desk.lab)
    url = reverse("needs-need-list")

    def titles(**params: str) -> str:
        return client.get(url, params).content.decode()

    everything = titles()
    assert "بلبرینگ پمپ" in everything
    assert "مواد اولیه لعاب" in everything
    assert "بلبرینگ پمپ" not in titles(kind=NeedKind.RAW_MATERIAL)
    assert "مواد اولیه لعاب" not in titles(division="28")
    assert "بلبرینگ پمپ" in titles(division="28")
    assert "بلبرینگ پمپ" not in titles(supplied_from=SupplySource.PROVINCE)
    assert "بلبرینگ پمپ" in titles(q="بلبرينگ")  # Arabic yeh folds like the Persian one
    assert "مواد اولیه لعاب" not in titles(q="بلبرینگ")
    for i in range(5):
        post_need(unit, manager, title=f"نیاز {i}", visibility=Visibility.APPROVED)
    with django_assert_max_num_queries(12):
        client.get(url)
    assert bearing.pk


def test_a_capability_is_posted_and_shows_the_needs_it_matches(unit: Unit, manager: User, desk: Desk) -> None:
    client = browser_for(desk.lab)
    response = client.post(
        reverse("needs-capability-post"),
        {
            "title": "ساخت بلبرینگ و یاتاقان صنعتی",
            "description": "طراحی و ساخت بلبرینگ برای پمپ و موتور",
            "hs_codes": "۸۴۸۲۱۰",
            "is_public": "on",
            "sectors": [Sector.objects.get(code="2814").pk],
        },
    )
    capability = Capability.objects.get(title="ساخت بلبرینگ و یاتاقان صنعتی")
    assert response.status_code == 302
    assert capability.owner == desk.lab_org
    assert capability.hs_codes == "848210"
    need = post_need(unit, manager, title="بلبرینگ پمپ آب", description="بلبرینگ برای پمپ آب", hs_code="848210")
    recompute_need(need.pk)
    html = client.get(reverse("needs-capability-detail", args=[capability.pk])).content.decode()
    assert "بلبرینگ پمپ آب" in html
    html = browser_for(manager).get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert reverse("needs-capability-detail", args=[capability.pk]) in html
    assert "<mark" in html  # the shared terms are highlighted
    assert browser_for(desk.firm).get(reverse("needs-capability-edit", args=[capability.pk])).status_code == 403


def test_the_proposal_pages(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    lab = browser_for(desk.lab)
    html = lab.get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert 'id="proposal-form"' in html
    response = lab.post(
        reverse("needs-need-propose", args=[need.pk]),
        {
            "capability": desk.capability.pk,
            "text": "ساخت قالب در ۸ هفته",
            "price": "٤",  # Arabic digit, billion rials
            "delivery": "۸ هفته",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.price == 4_000_000_000
    assert 'id="proposal-form"' not in lab.get(reverse("needs-need-detail", args=[need.pk])).content.decode()
    assert need.title in lab.get(reverse("needs-my-proposals")).content.decode()

    owner = browser_for(manager)
    url = reverse("needs-proposal-detail", args=[proposal.pk])
    assert (
        owner.post(reverse("needs-proposal-message", args=[proposal.pk]), {"text": "نمونه دارید؟"}).status_code == 302
    )
    assert "نمونه دارید؟" in lab.get(url).content.decode()
    # The proposer cannot shortlist its own proposal.
    assert lab.post(reverse("needs-proposal-action", args=[proposal.pk, "shortlist"])).status_code == 403
    # A decline without a reason from the list is refused.
    response = owner.post(reverse("needs-proposal-action", args=[proposal.pk, "decline"]), {"reason": "", "note": "x"})
    assert response.status_code == 400
    response = owner.post(reverse("needs-proposal-action", args=[proposal.pk, "decline"]), {"reason": "nope"})
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED

    assert owner.post(reverse("needs-proposal-action", args=[proposal.pk, "shortlist"])).status_code == 302
    response = owner.post(
        reverse("needs-proposal-action", args=[proposal.pk, "accept"]),
        {"value": "4.0", "signed_on": format_jalali(timezone.localdate())},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.value == 4_000_000_000
    assert Need.objects.get().state == NeedState.AGREED
    assert 'id="deliver-form"' in owner.get(url).content.decode()
    assert 'id="deliver-form"' not in lab.get(url).content.decode()
    response = owner.post(
        reverse("needs-agreement-deliver", args=[proposal.pk]),
        {
            "delivered_on": format_jalali(timezone.localdate() + dt.timedelta(days=1)),
            "import_value_replaced": "۹",
            "currency_saved_usd": "۱۵۰۰۰۰",
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.import_value_replaced == 9_000_000_000
    assert agreement.delivered_on == timezone.localdate() + dt.timedelta(days=1)


def test_a_declined_proposal_shows_its_reason(unit: Unit, manager: User, desk: Desk) -> None:
    need = post_need(unit, manager)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد")
    response = browser_for(manager).post(
        reverse("needs-proposal-action", args=[proposal.pk, "decline"]),
        {"reason": DeclineReason.CAPACITY, "note": "ظرفیت کم است"},
    )
    assert response.status_code == 302
    html = browser_for(desk.lab).get(reverse("needs-proposal-detail", args=[proposal.pk])).content.decode()
    assert "ظرفیت کم است" in html
    assert 'id="decline-reason"' in html


def test_the_dashboard_and_the_search_page(unit: Unit, manager: User, desk: Desk, investor: User) -> None:
    need = post_need(unit, manager)
    for person in (manager, desk.lab, investor):
        assert browser_for(person).get(reverse("needs-dashboard")).status_code == 200
    html = browser_for(investor).get(reverse("needs-search"), {"q": "قالب تزریق پلاستیک"}).content.decode()
    assert reverse("needs-need-detail", args=[need.pk]) in html
    assert reverse("needs-capability-detail", args=[desk.capability.pk]) in html
    assert browser_for(investor).get(reverse("needs-search")).status_code == 200
    assert browser_for(investor).get(reverse("needs-capability-list"), {"q": "قالب"}).status_code == 200
