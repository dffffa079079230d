"""The feed pages through the browser's eyes (the Django test client): the list, the upload checked by the real
worker, the problems, the confirmation, matching and correcting rows, the template, per role."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from conftest import make_national_id
from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.normalise import to_persian_digits
from rownaq.core.testing import run_worker
from rownaq.monitoring import feeds
from rownaq.monitoring.models import FeedState, Signal, SignalFeed, SignalKind
from rownaq.monitoring.tests.feeds_helpers import power_company, power_liaison, xlsx_file
from rownaq.registry.models import Unit

__all__ = ["power_company", "power_liaison"]

pytestmark = pytest.mark.django_db
LIST = "/monitoring/signals/"
UPLOAD = "/monitoring/signals/upload/"


def pushed(agency: Organisation, by: User, *national_ids: str, month: int = 3) -> SignalFeed:
    rows = [{"national_id": nid, "kind": SignalKind.RETURNED_CHEQUES, "value": 2} for nid in national_ids]
    return feeds.feed_push(organisation=agency, year=1405, month=month, rows=rows, by=by)


@pytest.fixture
def bank_feed(bank: Organisation, bank_liaison: User, unit: Unit) -> SignalFeed:
    return pushed(bank, bank_liaison, unit.national_id, make_national_id(901))


def test_the_list_shows_a_liaison_only_its_own_feeds_with_matched_and_unmatched_counts(
    bank_feed: SignalFeed, power_company: Organisation, power_liaison: User, bank_liaison: User, unit: Unit
) -> None:
    feeds.feed_push(
        organisation=power_company,
        year=1405,
        month=3,
        rows=[{"national_id": unit.national_id, "kind": SignalKind.ELECTRICITY_KWH, "value": 10}],
        by=power_liaison,
    )
    page = browser_for(bank_liaison).get(LIST).content.decode()

    assert page.count('class="feed-row"') == 1
    assert "بانک ملت" in page
    assert "توزیع برق" not in page
    row = re.search(r'class="feed-row".*?</tr>', page, re.S).group(0)  # type: ignore[union-attr]
    assert '<td class="text-end matched">۱</td>' in row
    assert '<span class="text-danger">۱</span>' in row
    assert 'id="nav-signals"' in page


def test_staff_see_every_feed_of_their_province_and_the_dashboard_links_to_them(
    bank_feed: SignalFeed, expert: User, deputy: User
) -> None:
    for person in (expert, deputy):
        client = browser_for(person)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(LIST).content.decode()
        assert page.count('class="feed-row"') == 1
        assert len(queries) < 15
    assert 'href="/monitoring/signals/"' in browser_for(expert).get("/monitoring/").content.decode()


@pytest.mark.parametrize("role", ["manager", "investor", "liaison"])
def test_others_are_refused_the_feed_pages(role: str, request: pytest.FixtureRequest, bank_feed: SignalFeed) -> None:
    """A unit manager, an investor, and a liaison of an agency that sends no signals (this bank has no code)."""
    client = browser_for(request.getfixturevalue(role))
    signal = bank_feed.signals.first()
    assert signal is not None
    for url in (LIST, UPLOAD, f"{LIST}{bank_feed.pk}/", f"{LIST}template/bank/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{LIST}rows/{signal.pk}/match/", {"unit": "x"}).status_code == 403


def test_another_agencys_liaison_does_not_see_the_feed(bank_feed: SignalFeed, power_liaison: User) -> None:
    client = browser_for(power_liaison)
    assert client.get(f"{LIST}{bank_feed.pk}/").status_code == 404
    signal = bank_feed.signals.get(unit__isnull=True)
    assert client.post(f"{LIST}rows/{signal.pk}/national-id/", {"national_id": "1"}).status_code == 404
    assert client.get(f"{LIST}template/bank/").status_code == 404


def test_the_template_download_has_the_agencys_columns(power_liaison: User) -> None:
    response = browser_for(power_liaison).get(f"{LIST}template/electricity/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == [
        "شناسه ملی",
        "نام واحد",
        "مصرف برق (کیلووات‌ساعت)",
    ]


def test_a_bad_upload_keeps_what_was_typed_and_says_why(bank: Organisation, bank_liaison: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = browser_for(bank_liaison).post(
        UPLOAD, {"agency": bank.pk, "year": 1404, "month": 7, "file": SimpleUploadedFile("a.csv", b"x,y")}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "فقط" in page
    assert ".xlsx" in page
    assert '<option value="7" selected>' in page
    assert '<option value="1404" selected>' in page
    assert not SignalFeed.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_upload_check_in_the_background_then_confirm(
    make_agency: Callable[..., Organisation], make_user: Callable[..., User], make_unit: Callable[..., Unit]
) -> None:
    bank = make_agency("بانک ملت، مدیریت شعب قم", AgencyCode.BANK)
    liaison = make_user("bank_liaison", Role.AGENCY_LIAISON, bank)
    unit = make_unit("کاشی‌سازی البرز")
    client = browser_for(liaison)

    bad = xlsx_file([[unit.national_id, "کاشی", "دو", 150]])
    response = client.post(UPLOAD, {"agency": bank.pk, "year": 1405, "month": 3, "file": bad})
    feed = SignalFeed.objects.get()
    assert response["Location"] == f"{LIST}{feed.pk}/"
    assert 'id="feed-progress"' in client.get(response["Location"]).content.decode()
    run_worker()
    page = client.get(response["Location"]).content.decode()
    assert 'class="feed-problem"' in page
    assert "یک عدد صحیح بنویسید" in page
    assert 'id="feed-confirm"' not in page

    good = xlsx_file([[unit.national_id, "کاشی", 2, 150_000_000], [make_national_id(901), "ناشناس", 1, ""]])
    client.post(UPLOAD, {"agency": bank.pk, "year": 1405, "month": 3, "file": good})
    run_worker()
    feed = SignalFeed.objects.latest("pk")
    assert feed.state == FeedState.CHECKED
    checked = client.get(f"{LIST}{feed.pk}/").content.decode()
    assert 'id="feed-confirm"' in checked
    # before confirming, the person is told which part of the file no unit has (listed afterwards to correct)
    assert "۱ مقدار از این‌ها (از ۱ شناسه ملی) با هیچ واحدی از استان تطبیق نمی‌یابد" in checked
    client.post(f"{LIST}{feed.pk}/confirm/")

    feed.refresh_from_db()
    assert (feed.state, feed.total_rows, feed.matched_rows) == (FeedState.COMMITTED, 3, 2)
    page = client.get(f"{LIST}{feed.pk}/").content.decode()
    assert page.count('class="unmatched-row"') == 1
    counts = page.split('id="feed-counts"', 1)[1].split("</dl>", 1)[0]
    assert "مقدارها" in counts  # a row of the file carries several values: the counts are of values
    assert "ردیف" not in counts
    listed = client.get(LIST).content.decode().split('id="feed-list"', 1)[1].split("</thead>", 1)[0]
    assert "مقدارهای تطبیق‌یافته" in listed
    assert "ردیف" not in listed
    assert to_persian_digits(make_national_id(901)) in page
    assert 'class="d-flex gap-1 correct-form"' in page


def test_staff_match_a_row_by_a_unit_they_search_for(bank_feed: SignalFeed, expert: User, other_unit: Unit) -> None:
    client = browser_for(expert)
    detail = f"{LIST}{bank_feed.pk}/"
    options = client.get(detail, {"unit": other_unit.national_id[:6]}, HTTP_HX_REQUEST="true").content.decode()
    assert f'value="{other_unit.national_id}"' in options
    signal = bank_feed.signals.get(unit__isnull=True)

    refused = client.post(f"{LIST}rows/{signal.pk}/match/", {"unit": "واحدی که نیست"}).content.decode()
    assert "هیچ واحدی از استان این شناسه ملی یا نام را ندارد." in refused
    assert 'value="واحدی که نیست"' in refused

    client.post(f"{LIST}rows/{signal.pk}/match/", {"unit": other_unit.national_id})
    signal.refresh_from_db()
    assert (signal.unit, signal.matched_by) == (other_unit, expert)
    assert 'id="all-matched"' in client.get(detail).content.decode()


def test_the_agency_corrects_a_national_id_on_the_page(
    bank_feed: SignalFeed, bank_liaison: User, other_unit: Unit
) -> None:
    client = browser_for(bank_liaison)
    signal = bank_feed.signals.get(unit__isnull=True)
    page = client.post(f"{LIST}rows/{signal.pk}/national-id/", {"national_id": "۱۲۳"}).content.decode()
    assert "۱۱ رقم" in page
    assert 'value="۱۲۳"' in page
    client.post(f"{LIST}rows/{signal.pk}/national-id/", {"national_id": to_persian_digits(other_unit.national_id)})
    assert Signal.objects.get(pk=signal.pk).unit == other_unit


def test_staff_upload_on_an_agencys_behalf_choosing_the_agency(
    bank: Organisation, power_company: Organisation, tax_office: Organisation, expert: User, unit: Unit
) -> None:
    client = browser_for(expert)
    form = client.get(UPLOAD).content.decode()
    assert f'<option value="{bank.pk}"' in form
    assert f'<option value="{power_company.pk}"' in form
    file = xlsx_file([[unit.national_id, "کاشی", 2, 1]])
    response = client.post(UPLOAD, {"agency": bank.pk, "year": 1405, "month": 3, "file": file})
    feed = SignalFeed.objects.get()
    assert response["Location"] == f"{LIST}{feed.pk}/"
    assert (feed.organisation, feed.uploaded_by, feed.province_id) == (bank, expert, bank.province_id)


def test_unmatched_money_is_shown_in_billion_rials_and_counts_as_numbers(
    bank: Organisation, bank_liaison: User, expert: User
) -> None:
    stray = make_national_id(905)
    rows = [
        {"national_id": stray, "kind": SignalKind.RETURNED_CHEQUES_AMOUNT, "value": 150_000_000},
        {"national_id": stray, "kind": SignalKind.RETURNED_CHEQUES, "value": 3},
    ]
    feed = feeds.feed_push(organisation=bank, year=1405, month=3, rows=rows, by=bank_liaison)
    page = browser_for(expert).get(f"{LIST}{feed.pk}/").content.decode()
    assert "۰٫۱۵ میلیارد ریال" in page
    assert '<td class="text-end">۳</td>' in page


def test_the_list_is_paged(bank: Organisation, bank_liaison: User, unit: Unit) -> None:
    for month in range(1, 7):
        for _again in range(10):  # each month sent ten times: sixty feeds
            pushed(bank, bank_liaison, unit.national_id, month=month)
    client = browser_for(bank_liaison)
    first = client.get(LIST).content.decode()
    assert first.count('class="feed-row"') == 50
    assert 'id="next-page"' in first
    assert client.get(LIST, {"page": 2}).content.decode().count('class="feed-row"') == 10


def test_a_superseded_feed_says_so_and_offers_no_corrections(
    bank_feed: SignalFeed, bank: Organisation, bank_liaison: User, expert: User, unit: Unit
) -> None:
    newer = pushed(bank, bank_liaison, unit.national_id)
    page = browser_for(expert).get(f"{LIST}{bank_feed.pk}/").content.decode()
    assert 'id="feed-superseded"' in page
    assert f'href="{LIST}{newer.pk}/"' in page
    assert "match-form" not in page
    assert 'class="unmatched-row"' in page
