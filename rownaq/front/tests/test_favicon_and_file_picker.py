"""The site's icon (linked from every page, /favicon.ico answers) and the Persian file picker's texts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from conftest import browser_log_in
from rownaq.accounts.models import User


def test_favicon_ico_answers_with_the_svg_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/rownaq/favicon.svg"
    assert finders.find("rownaq/favicon.svg")


@pytest.mark.django_db
def test_every_page_links_the_icon_and_carries_the_file_pickers_persian_texts(client: Client) -> None:
    page = client.get(reverse("accounts-login")).content.decode()
    assert '<link rel="icon" href="/static/rownaq/favicon.svg" type="image/svg+xml">' in page
    assert 'data-file-choose="انتخاب فایل"' in page
    assert 'data-file-none="فایلی انتخاب نشده است"' in page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_file_picker_speaks_persian_and_names_the_chosen_file(
    live_server: Any, page: Any, expert: User, tmp_path: Any
) -> None:
    browser_log_in(page, live_server.url, "expert")
    page.goto(f"{live_server.url}{reverse('registry-import-upload')}")
    picker = page.locator(".file-picker").first
    picker.wait_for()
    assert picker.locator(".file-picker-button").inner_text() == "انتخاب فایل"
    assert picker.locator(".file-picker-names").inner_text() == "فایلی انتخاب نشده است"
    sheet = tmp_path / "واحدها.xlsx"
    sheet.write_bytes(b"not really a workbook")
    picker.locator("input[type=file]").set_input_files(str(sheet))
    assert picker.locator(".file-picker-names").inner_text() == "واحدها.xlsx"
    assert picker.locator("input[type=file]").evaluate("input => getComputedStyle(input).opacity") == "0"
