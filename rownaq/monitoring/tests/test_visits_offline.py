"""Recording a planned visit from a phone's offline queue (a record sent twice is stored once, one changed
meanwhile is refused with a message), the calendar's list of the person's planned visits whose record forms the
service worker keeps, the note when a revival case cannot be opened for the visited unit, and the visit form's
unit search."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.accounts.testing import browser_for
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import to_persian_digits
from rownaq.geography.models import County, Province
from rownaq.monitoring import visits
from rownaq.monitoring.visit_models import Visit, VisitPhoto
from rownaq.registry.models import Unit, UnitStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def tax_qom_liaison(make_user: Callable[..., User], make_agency: Callable[..., Organisation], qom: Province) -> User:
    tax_office = make_agency("اداره کل امور مالیاتی استان قم", AgencyCode.TAX, province=qom)
    return make_user("tax_qom_liaison", Role.AGENCY_LIAISON, tax_office)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SEARCH = "/monitoring/visits/units/"


def _today() -> dt.date:
    return timezone.localdate()


def _planned(liaison: User, unit: Unit, days: int = 2) -> Visit:
    visit, _created = visits.visit_save(
        key=uuid.uuid4(), unit=unit, planned_on=_today() + dt.timedelta(days=days), by=liaison
    )
    return visit


def _record_data(version: str, **changes: str) -> dict[str, object]:
    return {
        "visited_on": format_jalali(_today(), persian_digits=False),
        "flag": "red",
        "main_obstacle": "working_capital",
        "notes": "انبار خالی است",
        "version": version,
        **changes,
    }


# -- recording from the offline queue ------------------------------------------------------------------------


def test_a_record_sent_twice_from_the_queue_is_stored_once_with_its_photo_once(liaison: User, unit: Unit) -> None:
    visit = _planned(liaison, unit)
    url = f"/monitoring/visits/{visit.pk}/record/"
    page = browser_for(liaison).get(url).content.decode()
    version = visits.visit_version(visit)
    assert f'name="version" value="{version}"' in page
    assert 'data-queue-key="record-' in page
    assert f'action="{url}"' in page
    client = browser_for(liaison)

    def send() -> dict[str, object]:
        photo = SimpleUploadedFile("انبار.png", PNG, content_type="image/png")
        response = client.post(url, {**_record_data(version), "photos": photo}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        return response.json()

    assert send() == {"id": visit.pk, "changed": True}
    assert send() == {"id": visit.pk, "changed": False}
    visit.refresh_from_db()
    assert (visit.visited_on, visit.flag, visit.notes) == (_today(), "red", "انبار خالی است")
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    assert Visit.objects.count() == 1


def test_a_record_filled_against_an_older_version_with_other_findings_is_refused_with_a_message(
    liaison: User, unit: Unit
) -> None:
    visit = _planned(liaison, unit)
    old_version = visits.visit_version(visit)
    url = f"/monitoring/visits/{visit.pk}/record/"
    client = browser_for(liaison)
    assert client.post(url, _record_data(old_version)).status_code == 302
    again = client.post(url, _record_data(old_version, flag="green"))
    assert again.status_code == 400
    assert "در این فاصله ثبت شده است" in again.content.decode()
    assert 'value="green" selected' in again.content.decode()  # what was typed is kept
    queued = client.post(url, _record_data(old_version, flag="green"), HTTP_ACCEPT="application/json")
    assert queued.status_code == 400
    visit.refresh_from_db()
    assert visit.flag == "red"
    # Sent again as it was stored: taken as already stored, said so.
    same = client.post(url, _record_data(old_version), follow=True)
    assert "پیش‌تر ذخیره شده بود" in same.content.decode()


def test_the_service_refuses_a_changed_visit_and_takes_the_same_findings_as_stored(liaison: User, unit: Unit) -> None:
    visit = _planned(liaison, unit)
    version = visits.visit_version(visit)
    findings = visits.Findings(visited_on=_today(), flag="yellow", notes="  بازار کساد  ")
    stored, changed = visits.visit_record(visit=visit, findings=findings, by=liaison, version=version)
    assert changed
    assert visits.visit_record(visit=visit, findings=findings, by=liaison, version=version) == (stored, False)
    with pytest.raises(ValidationError):
        visits.visit_record(
            visit=visit, findings=visits.Findings(visited_on=_today(), flag="red"), by=liaison, version=version
        )
    # Without a version (the API, the admin) a correction is recorded as before.
    _visit, changed = visits.visit_record(
        visit=visit, findings=visits.Findings(visited_on=_today(), flag="red"), by=liaison
    )
    assert changed


# -- the calendar keeps the record forms of the person's planned visits ---------------------------------------


def test_the_calendar_lists_my_planned_visits_and_asks_the_worker_to_keep_their_record_forms(
    liaison: User, tax_qom_liaison: User, unit: Unit, make_unit: Callable[..., Unit]
) -> None:
    mine = _planned(liaison, unit)
    done, _created = visits.visit_save(
        key=uuid.uuid4(),
        unit=make_unit("ریخته‌گری قم"),
        planned_on=_today(),
        findings=visits.Findings(visited_on=_today(), flag="green"),
        by=liaison,
    )
    others = _planned(tax_qom_liaison, make_unit("نساجی قم"))
    page = browser_for(liaison).get("/monitoring/visits/").content.decode()
    assert 'id="my-planned-visits"' in page
    assert f'data-keep="/monitoring/visits/{mine.pk}/record/"' in page
    assert f"/monitoring/visits/{done.pk}/record/" not in page
    assert f"/monitoring/visits/{others.pk}/record/" not in page
    assert "monitoring/visits.js" in page
    assert "<script>" not in page
    worker = browser_for(liaison).get("/monitoring/visits/sw.js").content.decode()
    assert 'addEventListener("message"' in worker
    assert "record/" in worker


def test_the_record_form_works_offline_like_the_new_visit_form(liaison: User, unit: Unit) -> None:
    visit = _planned(liaison, unit)
    page = browser_for(liaison).get(f"/monitoring/visits/{visit.pk}/record/").content.decode()
    assert 'id="offline-status"' in page
    assert 'data-worker="/monitoring/visits/sw.js"' in page
    assert "monitoring/visits.js" in page
    assert browser_for(liaison).head(f"/monitoring/visits/{visit.pk}/record/").status_code == 200


# -- why no revival case -----------------------------------------------------------------------------------------


def test_a_red_visit_to_an_active_unit_says_why_no_revival_case_with_the_status_link_for_experts(
    liaison: User, expert: User, unit: Unit
) -> None:
    visit, _created = visits.visit_save(
        key=uuid.uuid4(),
        unit=unit,
        planned_on=_today(),
        findings=visits.Findings(visited_on=_today(), flag="red"),
        by=liaison,
    )
    status_link = f'href="/monitoring/units/{unit.pk}/status/"'
    page = browser_for(expert).get(f"/monitoring/visits/{visit.pk}/").content.decode()
    assert 'id="revival-status-note"' in page
    assert "پرونده احیا برای واحدهای راکد یا تعطیل" in page
    assert status_link in page
    assert 'id="open-revival"' not in page
    own = browser_for(liaison).get(f"/monitoring/visits/{visit.pk}/").content.decode()
    assert 'id="revival-status-note"' in own
    assert status_link not in own  # the liaison does not set statuses
    unit.status = UnitStatus.IDLE
    unit.save()
    idle = browser_for(expert).get(f"/monitoring/visits/{visit.pk}/").content.decode()
    assert 'id="revival-status-note"' not in idle
    assert 'id="open-revival"' in idle


# -- the unit search of the visit form -----------------------------------------------------------------------------


def test_the_unit_search_finds_the_provinces_units_by_name_or_national_id(
    liaison: User, investor: User, unit: Unit, make_unit: Callable[..., Unit]
) -> None:
    make_unit("سیمان قم")
    client = browser_for(liaison)
    by_name = client.get(SEARCH, {"q": "البرز"}).json()["results"]
    assert [r["id"] for r in by_name] == [unit.pk]
    assert to_persian_digits(unit.national_id) in by_name[0]["label"]
    by_id = client.get(SEARCH, {"q": to_persian_digits(unit.national_id[:9])}).json()["results"]
    assert [r["id"] for r in by_id] == [unit.pk]
    assert client.get(SEARCH, {"q": ""}).json() == {"results": []}
    assert browser_for(investor).get(SEARCH, {"q": "البرز"}).status_code == 403
    form = client.get("/monitoring/visits/new/").content.decode()
    assert f'data-sector-search="{SEARCH}"' in form


def test_the_unit_search_does_not_reach_another_provinces_units(liaison: User, make_unit: Callable[..., Unit]) -> None:
    make_unit("کاشی تهران", county=County.objects.exclude(province__code="25").first())
    assert browser_for(liaison).get(SEARCH, {"q": "تهران"}).json() == {"results": []}
