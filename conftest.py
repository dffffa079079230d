"""Shared test fixtures: the reference data loaded once, and named personas for every role.

Personas: ``expert`` (SMT expert, Qom), ``deputy`` (governorate deputy, Qom), ``admin_user``
(system admin), ``manager`` (manager of ``unit``'s company), ``other_manager`` (manager of
``other_unit``'s company), ``liaison`` (a bank's agency liaison), ``investor``; the agencies cases are
referred to, ``bank`` and ``tax_office`` (``make_agency`` for more), with ``bank_liaison`` and ``tax_liaison``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command

from rownaq.accounts.models import AgencyCode, Organisation, OrganisationKind, Role, User
from rownaq.accounts.testing import PASSWORD
from rownaq.geography.models import County, IndustrialEstate, Province
from rownaq.registry.models import Sector, Unit
from rownaq.registry.validators import national_id_check_digit

__all__ = ["PASSWORD", "make_national_id"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(scope="session")
def _media_root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Uploaded files of this test process (each xdist worker has its own), never the checkout's var/."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, _media_root: Any) -> None:
    """Static files straight from the apps (no collectstatic manifest), a fast password hash, and uploads
    in a folder of this test process."""
    settings.MEDIA_ROOT = _media_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames:
        return True
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty every table when they end; the next one loads the reference data again."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        if not Sector.objects.exists():
            call_command("load_reference_data", verbosity=0)


def make_national_id(serial: int) -> str:
    first_ten = f"14{serial:06d}50"
    return first_ten + str(national_id_check_digit(first_ten))


@pytest.fixture
def qom(db: Any) -> Province:
    return Province.objects.get(code="25")


@pytest.fixture
def qom_county(qom: Province) -> County:
    return County.objects.get(province=qom, name="قم")


@pytest.fixture
def shokouhieh(qom_county: County) -> IndustrialEstate:
    return IndustrialEstate.objects.create(county=qom_county, name="شهرک صنعتی شکوهیه", plots=1200)


@pytest.fixture
def make_org(qom: Province) -> Callable[..., Organisation]:
    def make(name: str, kind: str = OrganisationKind.UNIT_COMPANY, province: Province | None = qom) -> Organisation:
        return Organisation.objects.create(name=name, kind=kind, province=province)

    return make


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str, role: str, organisation: Organisation | None = None, **extra: Any) -> User:
        return User.objects.create_user(
            username=username, password=PASSWORD, role=role, organisation=organisation, **extra
        )

    return make


@pytest.fixture
def make_unit(qom_county: County) -> Callable[..., Unit]:
    counter = iter(range(1, 10_000))

    def make(name: str = "کاشی‌سازی نمونه", **fields: Any) -> Unit:
        defaults: dict[str, Any] = {
            "national_id": make_national_id(next(counter)),
            "sector": Sector.objects.get(code="2393"),
            "county": qom_county,
            "employees": 25,
        }
        defaults.update(fields)
        return Unit.objects.create(name=name, **defaults)

    return make


@pytest.fixture
def smt_org(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("سازمان صنعت، معدن و تجارت استان قم", OrganisationKind.SMT)


@pytest.fixture
def expert(make_user: Callable[..., User], smt_org: Organisation) -> User:
    return make_user("expert", Role.SMT_EXPERT, smt_org, first_name="مریم", last_name="احمدی")


@pytest.fixture
def deputy(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    return make_user("deputy", Role.GOVERNORATE_DEPUTY, make_org("استانداری قم", OrganisationKind.GOVERNORATE))


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def unit_company(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("شرکت کاشی البرز قم")


@pytest.fixture
def other_company(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org("شرکت فرش نگین قم")


@pytest.fixture
def unit(make_unit: Callable[..., Unit], unit_company: Organisation) -> Unit:
    return make_unit("کاشی‌سازی البرز", owner=unit_company)


@pytest.fixture
def other_unit(make_unit: Callable[..., Unit], other_company: Organisation) -> Unit:
    return make_unit("فرش نگین", owner=other_company, sector=Sector.objects.get(code="1393"), employees=80)


@pytest.fixture
def manager(make_user: Callable[..., User], unit_company: Organisation) -> User:
    return make_user("manager", Role.UNIT_MANAGER, unit_company)


@pytest.fixture
def other_manager(make_user: Callable[..., User], other_company: Organisation) -> User:
    return make_user("other_manager", Role.UNIT_MANAGER, other_company)


@pytest.fixture
def liaison(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    return make_user("liaison", Role.AGENCY_LIAISON, make_org("بانک ملی ایران، مدیریت شعب قم", OrganisationKind.BANK))


@pytest.fixture
def investor(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    return make_user("investor", Role.INVESTOR, make_org("گروه سرمایه‌گذاری نمونه", OrganisationKind.INVESTOR))


# -- executive agencies and their liaisons (banks, the tax office), as cases are referred to them ----


@pytest.fixture
def make_agency(make_org: Callable[..., Organisation]) -> Callable[..., Organisation]:
    def make(
        name: str, code: str, kind: str = OrganisationKind.AGENCY, province: Province | None = None
    ) -> Organisation:
        agency = make_org(name, kind, **({"province": province} if province is not None else {}))
        agency.agency_code = code
        agency.save(update_fields=["agency_code"])
        return agency

    return make


@pytest.fixture
def bank(make_agency: Callable[..., Organisation]) -> Organisation:
    return make_agency("بانک ملت، مدیریت شعب قم", AgencyCode.BANK, OrganisationKind.BANK)


@pytest.fixture
def tax_office(make_agency: Callable[..., Organisation]) -> Organisation:
    return make_agency("اداره کل امور مالیاتی قم", AgencyCode.TAX)


@pytest.fixture
def bank_liaison(make_user: Callable[..., User], bank: Organisation) -> User:
    return make_user("bank_liaison", Role.AGENCY_LIAISON, bank)


@pytest.fixture
def tax_liaison(make_user: Callable[..., User], tax_office: Organisation) -> User:
    return make_user("tax_liaison", Role.AGENCY_LIAISON, tax_office)


# -- real-browser tests (headless Chromium from Debian, driven by Playwright) -----------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("ROWNAQ_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A browser page in Persian; ``make test`` installs Chromium and requires it (ROWNAQ_REQUIRE_BROWSER)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls in tests stay plain sync code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = chromium_path()
    if executable is None:
        if os.environ.get("ROWNAQ_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required for the browser tests but was not found")
        pytest.skip("Chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            if os.environ.get("ROWNAQ_SCREENSHOTS"):
                name = f"{request.node.name}.png"
                page.screenshot(path=os.path.join(os.environ["ROWNAQ_SCREENSHOTS"], name), full_page=True)
            context.close()
            browser.close()


def browser_log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
