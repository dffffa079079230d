"""A month's reports imported from Excel: the template, the checks of every row (with row and column), the
warnings per unit, the all-or-nothing commit through the report services, and who may import."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from rownaq.accounts.models import User
from rownaq.accounts.testing import browser_for, login
from rownaq.core.periods import Period
from rownaq.core.testing import run_worker
from rownaq.geography.models import County
from rownaq.monitoring import services, workflow
from rownaq.monitoring.models import MonthlyReport, ReportImport, ReportState, ValidationRule
from rownaq.monitoring.report_imports import (
    report_import_commit,
    report_import_confirm,
    report_import_create,
    report_import_validate,
)
from rownaq.monitoring.report_sheet import COLUMNS, COLUMNS_BY_KEY, GUIDE_TITLE
from rownaq.monitoring.tests.conftest import FIGURES
from rownaq.monitoring.workflow import act
from rownaq.registry.imports import ImportStateError
from rownaq.registry.models import ImportState, Product, Unit

pytestmark = pytest.mark.django_db
with_worker = pytest.mark.django_db(transaction=True)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [column.header for column in COLUMNS]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def row(unit: Unit, product: Any = "", quantity: Any = "", **cells: Any) -> list[Any]:
    values: dict[str, Any] = {"national_id": unit.national_id, "name": unit.name, "product": product}
    values["quantity"] = quantity
    values.update(cells)
    return [values.get(column.key, "") for column in COLUMNS]


def xlsx(rows: list[list[Any]], name: str = "reports.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for line in rows:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def good_rows(unit: Unit, month: Period, **figure_changes: Any) -> list[list[Any]]:
    """The unit's two products (tiles 80,000 m² of 100,000; glaze 150 t of 200) and its figures on the first row."""
    return [
        row(unit, "کاشی دیوار", 80_000, month=month.code, **{**FIGURES, **figure_changes}),
        row(unit, "لعاب", 150, month=month.code),
    ]


def checked(rows: list[list[Any]], by: User, period: Period) -> ReportImport:
    batch = report_import_create(file=xlsx(rows), period=period, by=by)
    return report_import_validate(batch=batch)


def problems(batch: ReportImport) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in batch.problems]


# -- the whole way, through the pages and the real worker ----------------------------------------------------


@with_worker
def test_a_good_file_is_checked_and_committed_as_submitted_reports_on_the_units_behalf(
    client: Client, expert: User, unit: Unit, tiles: Product, glaze: Product
) -> None:
    month = services.last_reportable_month()
    login(client, expert)
    rows = [*good_rows(unit, month)]
    rows[1][HEADERS.index("مقدار تولید")] = 330  # glaze at 165% of its capacity: a warning, not an error
    response = client.post(reverse("monitoring-import-upload"), {"month": month.code, "file": xlsx(rows)})
    assert response.status_code == 302, response.content.decode()
    batch = ReportImport.objects.get()
    assert (batch.state, batch.year, batch.month) == (ImportState.PENDING, month.year, month.number)
    progress = client.get(reverse("monitoring-import-progress", args=[batch.pk])).content.decode()
    assert 'id="import-progress"' in progress

    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED
    assert (batch.total_rows, batch.processed_rows, batch.unit_count, batch.problems) == (2, 2, 1, [])
    assert [(w["row"], w["national_id"]) for w in batch.warnings] == [(2, unit.national_id)]
    page = client.get(reverse("monitoring-import-detail", args=[batch.pk])).content.decode()
    assert 'id="import-warnings"' in page
    assert 'id="import-confirm"' in page
    assert not MonthlyReport.objects.exists()  # nothing is written before the confirmation

    assert client.post(reverse("monitoring-import-commit", args=[batch.pk])).status_code == 302
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.COMMITTED, batch.error_message
    report = MonthlyReport.objects.get(unit=unit, year=month.year, month=month.number)
    assert report.state == ReportState.SUBMITTED
    assert (report.entered_by, report.on_behalf) == (expert, True)
    assert report.sales == FIGURES["sales"]
    assert report.employees == FIGURES["employees"]
    assert {line.product_id: line.quantity for line in report.lines.all()} == {
        tiles.pk: Decimal(80_000),
        glaze.pk: Decimal(330),
    }
    assert report.utilisation == Decimal("122.5")  # derived: the mean of 80% and 165%
    version = report.versions.get()
    assert (version.submitted_by, version.on_behalf) == (expert, True)
    assert [w["code"] for w in version.warnings] == ["utilisation-above-120"]
    assert "reports.xlsx" in version.explanation


@with_worker
def test_one_bad_cell_commits_nothing_and_is_named_by_row_and_column(
    client: Client, expert: User, unit: Unit, other_unit: Unit, tiles: Product, glaze: Product
) -> None:
    month = services.last_reportable_month()
    login(client, expert)
    rows = [*good_rows(unit, month), row(other_unit, "", "", month=month.code, **{**FIGURES, "sales": "۱۲x"})]
    client.post(reverse("monitoring-import-upload"), {"month": month.code, "file": xlsx(rows)})
    run_worker()
    batch = ReportImport.objects.get()
    assert batch.state == ImportState.VALIDATED
    assert problems(batch) == [(4, "فروش (ریال)", _("Write a whole number, such as 25."))]
    page = client.get(reverse("monitoring-import-detail", args=[batch.pk])).content.decode()
    assert 'id="import-blocked"' in page
    assert 'id="import-confirm"' not in page
    assert "فروش (ریال)" in page

    response = client.post(reverse("monitoring-import-commit", args=[batch.pk]), follow=True)
    with translation.override("fa"):
        refusal = _("Nothing is imported while a row has a problem. Correct the file and upload it again.")
    assert refusal in response.content.decode()
    run_worker()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED
    assert not MonthlyReport.objects.exists()


def test_a_refusal_while_writing_undoes_every_unit_already_written(
    expert: User, unit: Unit, other_unit: Unit, tiles: Product, glaze: Product
) -> None:
    month = services.last_reportable_month()
    rows = [*good_rows(unit, month), row(other_unit, "", "", month=month.code, **FIGURES)]
    batch = checked(rows, expert, month)
    assert (batch.problems, batch.unit_count) == ([], 2)
    report_import_confirm(batch=batch, by=expert)
    real_submit = workflow.report_submit
    calls: list[int] = []

    def second_refused(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise services.ReportError("refused")
        return real_submit(**kwargs)

    with mock.patch.object(workflow, "report_submit", second_refused), pytest.raises(ImportStateError):
        report_import_commit(batch=batch, by=expert)
    batch.refresh_from_db()
    assert batch.state == ImportState.FAILED
    assert "refused" in batch.error_message
    assert len(calls) == 2
    assert not MonthlyReport.objects.exists()  # the first unit's report was undone too


# -- the checks of each row ----------------------------------------------------------------------------------


def test_each_row_error_names_its_row_and_column_in_persian(
    expert: User,
    unit: Unit,
    tiles: Product,
    glaze: Product,
    make_unit: Callable[..., Unit],
) -> None:
    month = services.last_reportable_month()
    tehran = County.objects.exclude(province_id=unit.county.province_id).first()
    assert tehran is not None
    elsewhere = make_unit("واحد استان دیگر", county=tehran)
    future = services.next_month(services.next_month(month))
    rows = [
        row(unit, "کاشی دیوار", 80_000, month=month.code, **FIGURES),  # row 2: good
        row(unit, "سیمان", 10),  # 3: not the unit's product
        row(unit, "لعاب", -5),  # 4: negative output
        ["", "14000000000", "", "", "", ""],  # 5: an ID no unit has (and a bad check digit is its own message)
        row(elsewhere, month=month.code),  # 6: not in the province
        row(unit, month=future.code),  # 7: a month in the future
        row(unit, employees="بیست"),  # 8: not a number
        row(unit, gas_m3=-1),  # 9: negative figure
    ]
    batch = checked(rows, expert, month)
    found = {(r, c) for r, c, _m in problems(batch)}
    header = {key: COLUMNS_BY_KEY[key].header for key in ("product", "quantity", "national_id", "month")}
    assert (3, header["product"]) in found
    assert (4, header["quantity"]) in found
    assert (5, header["national_id"]) in found
    assert (6, header["national_id"]) in found
    assert (7, header["month"]) in found
    assert (8, "تعداد کارکنان") in found
    assert (9, "مصرف گاز (مترمکعب)") in found
    messages = dict(((r, c), m) for r, c, m in problems(batch))
    assert messages[(6, header["national_id"])] == _("This unit is not in your province; you cannot enter its reports.")
    assert messages[(4, header["quantity"])] == _("The output cannot be negative.")
    assert batch.unit_count == 0  # the unit's rows have problems: it is not imported
    with pytest.raises(ImportStateError):
        report_import_confirm(batch=batch, by=expert)


def test_an_approved_month_is_not_overwritten(
    expert: User, manager: User, unit: Unit, tiles: Product, glaze: Product, enter: Callable[..., MonthlyReport]
) -> None:
    month = services.last_reportable_month()
    report = enter(unit=unit, period=month, by=manager)
    act(report=report, action="submit", by=manager, confirm=True)
    act(report=report, action="approve", by=expert)
    batch = checked(good_rows(unit, month), expert, month)
    assert problems(batch) == [
        (2, "شناسه ملی", _("The unit's report of this month is already approved; it is not overwritten."))
    ]


def test_a_hard_error_rule_refuses_the_unit_at_its_output_column(
    expert: User, unit: Unit, tiles: Product, glaze: Product
) -> None:
    ValidationRule.objects.create(
        code="utilisation-above-150",
        metric="utilisation",
        operator="gt",
        threshold=Decimal(150),
        severity="error",
        message="بهره‌برداری {value} درصد است؛ بیش از {threshold} درصد پذیرفته نیست.",
    )
    month = services.last_reportable_month()
    rows = good_rows(unit, month)
    rows[0][HEADERS.index("مقدار تولید")] = 180_000
    batch = checked(rows, expert, month)
    assert problems(batch) == [(2, "مقدار تولید", "بهره‌برداری ۱۸۰ درصد است؛ بیش از ۱۵۰ درصد پذیرفته نیست.")]


def test_a_file_without_the_header_row_fails_with_a_message(expert: User) -> None:
    month = services.last_reportable_month()
    workbook = Workbook()
    workbook.active.append(["نام", "مقدار"])
    workbook.active.append(["واحد", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("other.xlsx", buffer.getvalue(), content_type=XLSX)
    batch = report_import_validate(batch=report_import_create(file=file, period=month, by=expert))
    assert batch.state == ImportState.FAILED
    assert "شناسه ملی" in batch.error_message
    page = browser_for(expert).get(reverse("monitoring-import-detail", args=[batch.pk])).content.decode()
    assert 'id="import-failed"' in page


def test_a_figure_given_twice_differently_for_one_unit_is_a_problem(
    expert: User, unit: Unit, tiles: Product, glaze: Product
) -> None:
    month = services.last_reportable_month()
    rows = good_rows(unit, month)
    rows[1][HEADERS.index("تعداد کارکنان")] = 41
    batch = checked(rows, expert, month)
    assert [(r, c) for r, c, _m in problems(batch)] == [(3, "تعداد کارکنان")]


# -- the template, the upload form and who may import ------------------------------------------------------------


def test_the_template_lists_the_units_products_and_re_imports_once_filled(
    expert: User, unit: Unit, tiles: Product, glaze: Product
) -> None:
    month = services.last_reportable_month()
    response = browser_for(expert).get(reverse("monitoring-import-template") + f"?month={month.code}")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][1] == "شناسه ملی *"
    assert [(r[1], r[3]) for r in rows[1:]] == [(unit.national_id, "کاشی دیوار"), (unit.national_id, "لعاب")]
    assert workbook[GUIDE_TITLE].max_row == len(COLUMNS) + 1
    rows[1][HEADERS.index("مقدار تولید")] = 80_000
    rows[2][HEADERS.index("مقدار تولید")] = 150
    for name, value in FIGURES.items():
        rows[1][HEADERS.index(next(c.header for c in COLUMNS if c.key == name))] = value
    filled = Workbook()
    for line in rows:
        filled.active.append(line)
    buffer = io.BytesIO()
    filled.save(buffer)
    batch = report_import_validate(
        batch=report_import_create(
            file=SimpleUploadedFile("filled.xlsx", buffer.getvalue(), content_type=XLSX), period=month, by=expert
        )
    )
    assert (batch.state, batch.problems, batch.unit_count) == (ImportState.VALIDATED, [], 1)


def test_a_month_not_ended_is_refused_on_the_form(expert: User) -> None:
    month = services.next_month(services.last_reportable_month())
    response = browser_for(expert).post(reverse("monitoring-import-upload"), {"month": month.code, "file": xlsx([])})
    assert response.status_code == 400
    assert month.code in response.content.decode()  # what was typed stays


@pytest.mark.parametrize("persona", ["manager", "liaison", "deputy", "investor"])
def test_only_experts_import(request: pytest.FixtureRequest, persona: str, expert: User) -> None:
    client = browser_for(request.getfixturevalue(persona))
    batch = report_import_create(file=xlsx([]), period=services.last_reportable_month(), by=expert)
    for url in (
        reverse("monitoring-import-upload"),
        reverse("monitoring-import-template"),
        reverse("monitoring-import-detail", args=[batch.pk]),
        reverse("monitoring-import-progress", args=[batch.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("monitoring-import-commit", args=[batch.pk])).status_code == 403
    assert browser_for(expert).get(reverse("monitoring-import-upload")).status_code == 200
