"""The agencies' feeds: the template, the checks of a file's rows, the all-or-nothing commit, the API push's
checks, matching by national ID and the corrections of unmatched rows."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from conftest import make_national_id
from rownaq.accounts.models import AgencyCode, Organisation, User
from rownaq.core.periods import Period
from rownaq.geography.models import County
from rownaq.monitoring import feeds
from rownaq.monitoring.feed_sheet import KIND_HEADERS, feed_template_xlsx, read_feed_sheet
from rownaq.monitoring.models import FeedState, Signal, SignalFeed, SignalKind, SignalSource
from rownaq.monitoring.signals import latest_signals
from rownaq.monitoring.tests.feeds_helpers import (
    BANK_HEADERS,
    power_company,
    power_liaison,
    workbook_bytes,
    xlsx_file,
)
from rownaq.registry.models import Unit

__all__ = ["power_company", "power_liaison"]

pytestmark = pytest.mark.django_db
MONTH = Period.month(1405, 3)
WRONG_CHECK_DIGIT = make_national_id(77)[:-1] + str((int(make_national_id(77)[-1]) + 1) % 10)


def uploaded(rows: list[list[object]], agency: Organisation, by: User, **kwargs: object) -> SignalFeed:
    feed = feeds.feed_upload_create(file=xlsx_file(rows, **kwargs), organisation=agency, year=1405, month=3, by=by)  # type: ignore[arg-type]
    return feeds.feed_check(feed=feed)


def test_the_template_has_the_agencys_kinds_with_persian_headers() -> None:
    sheet = load_workbook(io.BytesIO(feed_template_xlsx(AgencyCode.BANK))).worksheets[0]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert headers == [*BANK_HEADERS, KIND_HEADERS[SignalKind.OVERDUE_INSTALMENTS]]
    gas = load_workbook(io.BytesIO(feed_template_xlsx(AgencyCode.GAS))).worksheets[0]
    assert [cell.value for cell in next(gas.iter_rows(max_row=1))][2:] == ["مصرف گاز (مترمکعب)"]


def test_the_templates_example_row_is_on_the_help_sheet_not_a_data_row() -> None:
    content = feed_template_xlsx(AgencyCode.BANK)
    read = read_feed_sheet(content, AgencyCode.BANK)
    assert (read.entries, read.problems, read.rows) == ([], [], 0)  # left as downloaded, nothing to receive
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.worksheets[0].max_row == 1
    help_text = [cell.value for row in workbook.worksheets[1].iter_rows() for cell in row if cell.value]
    assert "کاشی‌سازی نمونه" in help_text
    assert any("سطر نمونه" in str(text) for text in help_text)


def test_each_bad_cell_is_a_problem_of_its_row_and_column_and_nothing_is_saved(
    bank: Organisation, bank_liaison: User, unit: Unit
) -> None:
    good = unit.national_id
    feed = uploaded(
        [
            [good, "کاشی", 2, "۱۵۰٬۰۰۰٬۰۰۰"],
            ["12345", "بد", 1, 0],
            [WRONG_CHECK_DIGIT, "رقم کنترل", 1, 0],
            [make_national_id(5), "عدد", "دو", -5],
            [good, "تکراری", 3, ""],
        ],
        bank,
        bank_liaison,
        headers=[*BANK_HEADERS, KIND_HEADERS[SignalKind.GAS_M3]],
    )

    assert feed.state == FeedState.REFUSED
    found = {(p["row"], p["column"], p["message"]) for p in feed.problems}
    gas = f"این ستون «{SignalKind.GAS_M3.label}» است که دستگاه شما نمی‌فرستد؛ آن را بردارید."
    assert (1, "مصرف گاز (مترمکعب)", gas) in found
    assert (3, "شناسه ملی", "شناسه ملی باید دقیقاً ۱۱ رقم باشد.") in found
    assert (4, "شناسه ملی", "این شناسه ملی معتبر نیست: رقم کنترل آن مطابقت ندارد.") in found
    assert (5, KIND_HEADERS[SignalKind.RETURNED_CHEQUES], "یک عدد صحیح بنویسید، مانند ۲۵.") in found
    assert (5, KIND_HEADERS[SignalKind.RETURNED_CHEQUES_AMOUNT], "مقدار نمی‌تواند منفی باشد.") in found
    assert any(row == 6 and "ردیف ۲" in message for row, _column, message in found)
    assert not Signal.objects.exists()
    with pytest.raises(feeds.FeedError):
        feeds.feed_confirm(feed=feed, by=bank_liaison)


def test_a_checked_file_is_committed_whole_matched_and_supersedes_the_earlier_month(
    bank: Organisation, bank_liaison: User, unit: Unit, other_unit: Unit
) -> None:
    stranger = make_national_id(900)
    first = uploaded([[unit.national_id, "کاشی", 2, 150_000_000], [stranger, "ناشناس", 1, ""]], bank, bank_liaison)
    assert first.state == FeedState.CHECKED
    assert (first.total_rows, first.processed_rows) == (3, 2)  # values, as once committed; rows of the file
    assert feeds.checked_unmatched(first) == (1, 1)  # the stranger's one value, told before confirming
    assert not Signal.objects.exists()  # nothing until the person confirms

    first = feeds.feed_confirm(feed=first, by=bank_liaison)

    assert (first.state, first.total_rows, first.matched_rows) == (FeedState.COMMITTED, 3, 2)
    assert list(feeds.unmatched_rows(first).values_list("national_id", flat=True)) == [stranger]
    second = feeds.feed_confirm(
        feed=uploaded([[other_unit.national_id, "فرش", 4, ""]], bank, bank_liaison), by=bank_liaison
    )
    first.refresh_from_db()
    assert first.superseded_by == second
    rows = latest_signals(None, MONTH, MONTH)
    assert [(r.unit_id, r.kind, r.value) for r in rows] == [(other_unit.pk, SignalKind.RETURNED_CHEQUES, 4)]


def test_a_file_without_header_or_kind_columns_is_refused_with_a_reason(bank: Organisation, bank_liaison: User) -> None:
    feed = uploaded([["x", "y"]], bank, bank_liaison, headers=["ستون", "دیگر"])
    assert feed.state == FeedState.REFUSED
    assert "ردیف عنوان پیدا نشد" in feed.error_message
    feed = uploaded([["x", "y"]], bank, bank_liaison, headers=["شناسه ملی", "نام"])
    assert "ستونی" in feed.error_message


def test_only_the_agencys_liaison_or_province_staff_upload(
    bank: Organisation, power_liaison: User, manager: User, expert: User
) -> None:
    for person in (power_liaison, manager):
        with pytest.raises(PermissionDenied):
            feeds.feed_upload_create(file=xlsx_file([]), organisation=bank, year=1405, month=3, by=person)
    feed = feeds.feed_upload_create(file=xlsx_file([]), organisation=bank, year=1405, month=3, by=expert)
    assert (feed.organisation, feed.uploaded_by, feed.state) == (bank, expert, FeedState.PENDING)


def test_the_api_push_is_checked_all_or_nothing(power_company: Organisation, power_liaison: User, unit: Unit) -> None:
    rows = [
        {"national_id": unit.national_id, "name": "کاشی", "kind": SignalKind.ELECTRICITY_KWH, "value": 90_000},
        {"national_id": "۱۲۳", "kind": SignalKind.ELECTRICITY_KWH, "value": 1},
        {"national_id": unit.national_id, "kind": SignalKind.TAX_ARREARS, "value": 1},
    ]
    with pytest.raises(feeds.FeedRowsError) as refused:
        feeds.feed_push(organisation=power_company, year=1405, month=3, rows=rows, by=power_liaison)
    assert [(p["row"], p["column"]) for p in refused.value.problems] == [(2, "national_id"), (3, "kind")]
    assert not SignalFeed.objects.exists()

    feed = feeds.feed_push(organisation=power_company, year=1405, month=3, rows=rows[:1], by=power_liaison)
    assert (feed.source, feed.state, feed.matched_rows) == (SignalSource.API, FeedState.COMMITTED, 1)


def test_staff_match_an_unmatched_row_by_hand_and_the_agency_corrects_an_id(
    bank: Organisation, bank_liaison: User, expert: User, unit: Unit, other_unit: Unit, make_unit: Callable[..., Unit]
) -> None:
    rows = [
        {"national_id": make_national_id(901), "kind": SignalKind.RETURNED_CHEQUES, "value": 1},
        {"national_id": make_national_id(901), "kind": SignalKind.RETURNED_CHEQUES_AMOUNT, "value": 10},
        {"national_id": make_national_id(902), "kind": SignalKind.RETURNED_CHEQUES, "value": 2},
    ]
    feed = feeds.feed_push(organisation=bank, year=1405, month=3, rows=rows, by=bank_liaison)
    assert feed.matched_rows == 0
    first, _amount, second = Signal.objects.filter(feed=feed).order_by("pk")

    with pytest.raises(PermissionDenied):
        feeds.signal_assign_unit(signal=first, unit=unit, by=bank_liaison)
    feeds.signal_assign_unit(signal=first, unit=unit, by=expert)
    feed.refresh_from_db()
    assert feed.matched_rows == 2  # both rows of the same national ID
    assert Signal.objects.get(pk=first.pk).matched_by == expert

    with pytest.raises(PermissionDenied):
        feeds.signal_correct_national_id(signal=second, national_id=other_unit.national_id, by=expert)
    with pytest.raises(feeds.FeedError):
        feeds.signal_correct_national_id(signal=second, national_id="123", by=bank_liaison)
    feeds.signal_correct_national_id(signal=second, national_id=other_unit.national_id, by=bank_liaison)
    feed.refresh_from_db()
    assert feed.matched_rows == 3
    assert Signal.objects.get(pk=second.pk).unit == other_unit

    elsewhere = make_unit("واحد تهران", county=County.objects.exclude(province=bank.province).first())
    third = feeds.feed_push(organisation=bank, year=1405, month=4, rows=rows[2:], by=bank_liaison).signals.get()
    with pytest.raises(feeds.FeedError):
        feeds.signal_assign_unit(signal=third, unit=elsewhere, by=expert)


def test_a_unit_whose_national_id_is_corrected_gets_its_unmatched_rows(
    bank: Organisation, bank_liaison: User, unit: Unit
) -> None:
    right = make_national_id(903)
    feed = feeds.feed_push(
        organisation=bank,
        year=1405,
        month=3,
        rows=[{"national_id": right, "kind": SignalKind.RETURNED_CHEQUES, "value": 3}],
        by=bank_liaison,
    )
    unit.national_id = right  # the registry corrects a mistyped national ID
    unit.save(update_fields=["national_id"])

    assert feeds.signals_match_unit(unit) == 1

    feed.refresh_from_db()
    assert feed.matched_rows == 1
    assert [r.value for r in latest_signals([unit.pk], MONTH, MONTH)] == [3]
    assert feeds.signals_match_unit(unit) == 0


def test_reading_a_file_reports_its_progress_against_the_rows_the_sheet_declares(bank: Organisation) -> None:
    rows = [[make_national_id(serial), "واحد", serial, ""] for serial in range(1, 451)]
    calls: list[tuple[int, int]] = []

    read = read_feed_sheet(workbook_bytes(rows), AgencyCode.BANK, on_row=lambda n, total: calls.append((n, total)))

    assert read.rows == 450
    assert len(read.entries) == 450
    assert calls == [(200, 450), (400, 450)]


def test_a_row_is_not_matched_by_hand_to_a_unit_that_already_has_that_signal_in_the_feed(
    bank: Organisation, bank_liaison: User, expert: User, unit: Unit
) -> None:
    rows = [
        {"national_id": unit.national_id, "kind": SignalKind.RETURNED_CHEQUES, "value": 1},
        {"national_id": make_national_id(904), "kind": SignalKind.RETURNED_CHEQUES, "value": 5},
    ]
    feed = feeds.feed_push(organisation=bank, year=1405, month=3, rows=rows, by=bank_liaison)
    stray = feed.signals.get(unit__isnull=True)

    with pytest.raises(feeds.FeedError):
        feeds.signal_assign_unit(signal=stray, unit=unit, by=expert)
    assert feed.signals.filter(unit=unit).count() == 1


def test_a_month_that_has_not_begun_is_refused(bank: Organisation, bank_liaison: User, unit: Unit) -> None:
    coming = Period.current()
    coming = Period.month(coming.year + 1, coming.number)
    rows = [{"national_id": unit.national_id, "kind": SignalKind.RETURNED_CHEQUES, "value": 1}]
    with pytest.raises(feeds.FeedError, match="هنوز"):
        feeds.feed_push(organisation=bank, year=coming.year, month=coming.number, rows=rows, by=bank_liaison)
    now = Period.current()
    feeds.feed_push(organisation=bank, year=now.year, month=now.number, rows=rows, by=bank_liaison)


def test_the_feed_states_are_one_table() -> None:
    assert feeds.FEED_STATES.can("commit", FeedState.CHECKED)
    assert not feeds.FEED_STATES.can("commit", FeedState.REFUSED)
    assert not any(feeds.FEED_STATES.can(action, FeedState.COMMITTED) for action in feeds.FEED_STATES.transitions)


def test_an_unexpected_error_of_the_check_fails_the_feed_with_a_message(
    bank: Organisation, bank_liaison: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rownaq.monitoring.tasks import check_signal_feed

    feed = feeds.feed_upload_create(file=xlsx_file([]), organisation=bank, year=1405, month=3, by=bank_liaison)

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(feeds, "read_feed_sheet", broken)
    check_signal_feed.call(feed.pk)

    feed.refresh_from_db()
    assert feed.state == FeedState.FAILED
    assert "disk gone" in feed.error_message
    assert "چیزی ذخیره نشد" in feed.error_message


def test_the_demo_pushes_through_the_same_checks_and_is_marked_as_such(
    power_company: Organisation, power_liaison: User, unit: Unit
) -> None:
    rows = [{"national_id": unit.national_id, "kind": SignalKind.ELECTRICITY_KWH, "value": 5}]
    feed = feeds.feed_push(
        organisation=power_company, year=1405, month=2, rows=rows, by=power_liaison, source=SignalSource.DEMO
    )
    assert (feed.source, feed.state, feed.matched_rows) == (SignalSource.DEMO, FeedState.COMMITTED, 1)
