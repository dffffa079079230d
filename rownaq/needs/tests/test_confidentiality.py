"""A need shown only to approved people: its title may appear; its details never, by page, list or search.

The secret need's description, quantity, value, HS code and drawing carry markers that must not
reach a non-approved person's screen in any way.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for
from rownaq.needs import access, services, workflow
from rownaq.needs.matching_jobs import recompute_need
from rownaq.needs.models import Need, NeedAttachment, Visibility
from rownaq.needs.tests.desk import PDF, Desk, post_need
from rownaq.registry.models import Unit

pytestmark = pytest.mark.django_db

TITLE = "یاتاقان پمپ آب صنعتی"
SECRET = "آلیاژ محرمانه زیرکونیوم"
SECRET_VALUE = 7_654_321_000
SECRET_FILE = "naqsheh-sirri.pdf"


@pytest.fixture
def secret_need(unit: Unit, manager: User, desk: Desk) -> Need:
    need = post_need(
        unit,
        manager,
        title=TITLE,
        description=f"یاتاقان برای پمپ با {SECRET}، قالب تزریق ویژه",
        hs_code="848210",
        annual_quantity=Decimal("4321"),
        yearly_value=SECRET_VALUE,
        visibility=Visibility.APPROVED,
        attachments=[SimpleUploadedFile(SECRET_FILE, PDF)],
    )
    recompute_need(need.pk)
    return need


def assert_no_details(html: str) -> None:
    for marker in ("زیرکونیوم", "۷٬۶۵۴٬۳۲۱٬۰۰۰", "۴٬۳۲۱", "۸۴۸۲۱۰", "848210", SECRET_FILE, "قالب تزریق ویژه"):
        assert marker not in html, marker


def test_helpers_per_role(
    secret_need: Need, desk: Desk, manager: User, other_manager: User, expert: User, investor: User
) -> None:
    assert access.need_details_visible(manager, secret_need)
    assert access.need_details_visible(expert, secret_need)
    for outsider in (desk.lab, other_manager, investor):
        assert not access.need_details_visible(outsider, secret_need)
        assert access.needs_visible_to(outsider).filter(pk=secret_need.pk).exists()  # its title is listed
        assert not access.needs_with_details_visible_to(outsider).filter(pk=secret_need.pk).exists()
    assert not access.needs_public().filter(pk=secret_need.pk).exists()


def test_the_need_page_shows_only_the_title_until_access_is_approved(
    secret_need: Need, desk: Desk, manager: User
) -> None:
    lab = browser_for(desk.lab)
    url = reverse("needs-need-detail", args=[secret_need.pk])
    html = lab.get(url).content.decode()
    assert TITLE in html
    assert_no_details(html)
    assert 'id="request-access"' in html
    assert 'id="matches"' not in html
    assert 'id="proposal-form"' not in html
    attachment = NeedAttachment.objects.get(need=secret_need)
    assert lab.get(reverse("needs-attachment", args=[attachment.pk])).status_code == 404
    assert lab.post(reverse("needs-need-propose", args=[secret_need.pk]), {"text": "x"}).status_code == 403

    assert lab.post(reverse("needs-need-request-access", args=[secret_need.pk])).status_code == 302
    assert 'id="access-pending"' in lab.get(url).content.decode()
    owner_page = browser_for(manager).get(url).content.decode()
    assert desk.lab_org.name in owner_page
    request_row = secret_need.accesses.get()
    assert (
        browser_for(desk.firm).post(reverse("needs-access-decide", args=[request_row.pk, "approve"])).status_code == 403
    )
    browser_for(manager).post(reverse("needs-access-decide", args=[request_row.pk, "approve"]))

    html = lab.get(url).content.decode()
    assert "زیرکونیوم" in html
    assert "۷٬۶۵۴٬۳۲۱٬۰۰۰" in html
    assert SECRET_FILE in html
    assert 'id="proposal-form"' in html
    assert lab.get(reverse("needs-attachment", args=[attachment.pk])).status_code == 200
    # Another organisation is still not approved.
    assert_no_details(browser_for(desk.firm).get(url).content.decode())


def test_the_list_shows_the_title_and_searches_only_what_is_visible(
    secret_need: Need, desk: Desk, manager: User
) -> None:
    lab = browser_for(desk.lab)
    html = lab.get(reverse("needs-need-list")).content.decode()
    assert TITLE in html
    assert_no_details(html)
    # A word of the description finds nothing for an outsider (it would tell them what the need contains) …
    assert TITLE not in lab.get(reverse("needs-need-list"), {"q": "زیرکونیوم"}).content.decode()
    # … a word of the title finds it; the owner finds it by its description.
    assert TITLE in lab.get(reverse("needs-need-list"), {"q": "یاتاقان"}).content.decode()
    assert TITLE in browser_for(manager).get(reverse("needs-need-list"), {"q": "زیرکونیوم"}).content.decode()


def test_the_search_page_never_shows_the_details(secret_need: Need, desk: Desk, manager: User) -> None:
    lab = browser_for(desk.lab)
    html = lab.get(reverse("needs-search"), {"q": "زیرکونیوم"}).content.decode()
    assert TITLE not in html
    assert_no_details(html.replace('value="زیرکونیوم"', ""))
    html = lab.get(reverse("needs-search"), {"q": "یاتاقان پمپ"}).content.decode()
    assert TITLE in html or "یاتاقان" in html
    assert_no_details(html)
    owner = browser_for(manager).get(reverse("needs-search"), {"q": "زیرکونیوم"}).content.decode()
    assert "need-results" in owner
    assert reverse("needs-need-detail", args=[secret_need.pk]) in owner


def test_the_capability_page_lists_a_confidential_need_without_reasons(secret_need: Need, desk: Desk) -> None:
    html = browser_for(desk.lab).get(reverse("needs-capability-detail", args=[desk.capability.pk])).content.decode()
    assert_no_details(html)


def test_non_public_capabilities_and_proposals_stay_with_their_people(
    unit: Unit, manager: User, other_manager: User, expert: User, desk: Desk, investor: User
) -> None:
    services.capability_update(capability=desk.firm_capability, by=desk.firm, is_public=False)
    url = reverse("needs-capability-detail", args=[desk.firm_capability.pk])
    assert browser_for(desk.lab).get(url).status_code == 404
    assert browser_for(desk.firm).get(url).status_code == 200
    assert browser_for(expert).get(url).status_code == 200

    need = post_need(unit, manager)
    proposal = workflow.proposal_submit(need=need, capability=desk.capability, by=desk.lab, text="پیشنهاد محرمانه")
    url = reverse("needs-proposal-detail", args=[proposal.pk])
    for person in (desk.lab, manager, expert):
        assert browser_for(person).get(url).status_code == 200
    for person in (desk.firm, other_manager, investor):
        assert browser_for(person).get(url).status_code == 404
    # The need's page lists the proposal to its side only.
    need_url = reverse("needs-need-detail", args=[need.pk])
    assert url in browser_for(manager).get(need_url).content.decode()
    assert url not in browser_for(desk.firm).get(need_url).content.decode()


def test_visitors_are_sent_to_log_in(secret_need: Need) -> None:
    response = Client().get(reverse("needs-need-detail", args=[secret_need.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_supply_filter_does_not_reveal_how_a_confidential_need_is_supplied(
    secret_need: Need, desk: Desk, manager: User
) -> None:
    lab = browser_for(desk.lab)
    for source in ("imported", "province", "other_province", "none"):
        assert TITLE not in lab.get(reverse("needs-need-list"), {"supplied_from": source}).content.decode()
    owner_view = browser_for(manager).get(reverse("needs-need-list"), {"supplied_from": secret_need.supplied_from})
    assert TITLE in owner_view.content.decode()
