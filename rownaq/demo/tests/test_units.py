"""The demo data generator: deterministic, valid, plausible, and safe to run twice."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.core.normalise import normalise_text, search_key
from rownaq.demo import vocabulary
from rownaq.demo.province import demo_province_build
from rownaq.demo.seed import demo_national_build, demo_province_reset
from rownaq.demo.units import (
    DEMO_PASSWORD,
    DEMO_USERS,
    NATIONAL_UNITS,
    demo_exists,
    demo_national_units,
    demo_units,
)
from rownaq.geography.models import Province
from rownaq.registry.models import Contact, Licence, LicenceKind, Product, StatusChange, Unit, UnitStatus
from rownaq.registry.validators import is_valid_national_id

TODAY = dt.date(2025, 3, 21)


def fingerprint(province: Province) -> list[tuple[Any, ...]]:
    """Everything that must come out the same for the same seed, in a database-independent order."""
    rows: list[tuple[Any, ...]] = []
    units = demo_units(province=province).select_related("sector", "owner", "estate", "county").order_by("national_id")
    for unit in units:
        rows.append(
            (
                unit.national_id,
                unit.name,
                unit.status,
                unit.status_since,
                unit.sector.code,
                unit.county.name,
                unit.estate.name if unit.estate else "",
                unit.owner.name if unit.owner else "",
                unit.employees,
                unit.is_exporter,
                unit.is_knowledge_based,
                unit.address,
                unit.postal_code,
                unit.latitude,
                unit.longitude,
                sorted((c.old_status, c.new_status, c.effective_on, c.note) for c in unit.status_changes.all()),
                sorted((x.kind, x.number, x.issued_on, x.expires_on) for x in unit.licences.all()),
                sorted((p.name, p.hs_code, p.measure, p.nominal_capacity) for p in unit.products.all()),
                sorted((c.name, c.position, c.phone) for c in unit.contacts.all()),
            )
        )
    return rows


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_does_not(qom: Province) -> None:
    demo_province_build(province=qom, units=120, seed=7, today=TODAY)
    first = fingerprint(qom)
    assert len(first) == 120

    demo_province_reset(province=qom)
    assert not demo_exists(province=qom)
    assert not User.objects.filter(username="expert").exists()
    demo_province_build(province=qom, units=120, seed=7, today=TODAY)
    assert fingerprint(qom) == first

    demo_province_reset(province=qom)
    demo_province_build(province=qom, units=120, seed=8, today=TODAY)
    other = fingerprint(qom)
    assert [row[:3] for row in other] != [row[:3] for row in first]


@pytest.mark.django_db
def test_national_ids_are_valid_and_unique(qom: Province) -> None:
    demo_province_build(province=qom, units=300, seed=1403, today=TODAY)
    ids = list(Unit.objects.values_list("national_id", flat=True))
    assert len(ids) == 300
    assert len(set(ids)) == len(ids)
    assert all(len(value) == 11 and value.startswith("10") and is_valid_national_id(value) for value in ids)
    companies = Organisation.objects.filter(kind=OrganisationKind.UNIT_COMPANY).values_list("national_id", flat=True)
    assert all(is_valid_national_id(value) for value in companies)
    assert len(set(companies)) == len(companies)


@pytest.mark.django_db
def test_units_are_plausible(qom: Province) -> None:
    summary = demo_province_build(province=qom, units=400, seed=1403, today=TODAY)
    units = list(Unit.objects.select_related("sector").prefetch_related("status_changes"))
    statuses = Counter(unit.status for unit in units)
    shares = {status: statuses[status] / len(units) for status in UnitStatus.values}
    assert 0.62 <= shares[UnitStatus.ACTIVE] <= 0.78
    assert 0.07 <= shares[UnitStatus.SEMI_ACTIVE] <= 0.17
    assert 0.08 <= shares[UnitStatus.IDLE] <= 0.18
    assert 0.02 <= shares[UnitStatus.CLOSED] <= 0.09
    assert summary.statuses == {status: statuses[status] for status in UnitStatus.values}
    assert 0.06 <= sum(unit.is_exporter for unit in units) / len(units) <= 0.14
    assert 0.01 <= sum(unit.is_knowledge_based for unit in units) / len(units) <= 0.08
    # The seeds' key sectors are all there.
    sectors = Counter(unit.sector.code for unit in units)
    for code in ("1393", "1520", "3100", "1073", "1811", "2023"):
        assert sectors[code] > 0, code
    # Status history: an initial row, and the current status is the last change.
    for unit in units:
        changes = sorted(unit.status_changes.all(), key=lambda change: change.effective_on)
        assert changes[0].old_status == ""
        assert changes[-1].new_status == unit.status
        assert changes[-1].effective_on == unit.status_since <= TODAY
        if unit.status in (UnitStatus.IDLE, UnitStatus.CLOSED):
            assert (UnitStatus.ACTIVE, unit.status) in {(c.old_status, c.new_status) for c in changes}
        # What Unit.save() would store, bulk_create stored too.
        assert unit.name == normalise_text(unit.name)
        assert unit.search_text == search_key(f"{unit.name} {unit.national_id}")
        assert len(unit.postal_code) == 10
        assert unit.postal_code.startswith("37")
        assert 34.1 <= float(unit.latitude or 0) <= 35.3
        assert 50.0 <= float(unit.longitude or 0) <= 52.0
    employees = sorted(unit.employees for unit in units if unit.status == UnitStatus.ACTIVE)
    assert 5 <= employees[len(employees) // 2] <= 50
    operating = Licence.objects.filter(kind=LicenceKind.OPERATING)
    assert operating.filter(expires_on__lt=TODAY).exists()
    assert operating.filter(expires_on__gte=TODAY, expires_on__lte=TODAY + dt.timedelta(days=90)).exists()
    assert operating.filter(expires_on__gt=TODAY + dt.timedelta(days=90)).count() > operating.count() / 2
    assert Licence.objects.filter(kind=LicenceKind.ESTABLISHMENT).exists()
    for product in Product.objects.all():
        assert product.nominal_capacity > 0
        assert product.hs_code == "" or (len(product.hs_code) == 6 and product.hs_code.isdigit())
    assert all(c.phone.startswith("09") and len(c.phone) == 11 for c in Contact.objects.all())
    assert {unit.estate_id for unit in units} >= {None}  # some units are in the city
    shokouhieh = Unit.objects.filter(estate__name="شهرک صنعتی شکوهیه").count()
    assert shokouhieh == max(Counter(unit.estate_id for unit in units if unit.estate_id).values())


@pytest.mark.django_db
def test_every_demo_role_can_log_in(qom: Province) -> None:
    demo_province_build(province=qom, units=40, seed=1403, today=TODAY)
    for spec in DEMO_USERS:
        user = authenticate(username=spec.username, password=DEMO_PASSWORD)
        assert user is not None, spec.username
        assert user.role == spec.role
        assert user.get_full_name()
        assert user.organisation is not None
        assert user.organisation.province_id == qom.pk
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.get(username="expert").is_staff
    assert User.objects.get(username="bank").organisation.name == "بانک ملت، مدیریت شعب استان قم"  # type: ignore[union-attr]
    assert User.objects.get(username="university").organisation.name == "دانشگاه صنعتی قم"  # type: ignore[union-attr]
    # The manager's company owns two units, one a carpet factory with licences, products and contacts.
    manager = User.objects.get(username="manager")
    owned = list(Unit.objects.filter(owner=manager.organisation).select_related("sector"))
    assert len(owned) == 2
    carpet = next(unit for unit in owned if unit.sector.code == "1393")
    assert carpet.licences.count() == 2
    assert carpet.products.count() == 3
    assert carpet.contacts.count() == 2


@pytest.mark.django_db
def test_the_command_runs_twice_without_duplicating_and_reset_rebuilds(qom: Province) -> None:
    out = io.StringIO()
    call_command("seed_demo", "--units", "60", "--seed", "3", stdout=out)
    counts = (Unit.objects.count(), Organisation.objects.count(), User.objects.count(), StatusChange.objects.count())
    assert counts[0] == 60
    assert "60 units" in out.getvalue()

    again = io.StringIO()
    call_command("seed_demo", "--units", "60", "--seed", "3", stdout=again)
    assert "already present" in again.getvalue()
    assert (Unit.objects.count(), Organisation.objects.count(), User.objects.count(), StatusChange.objects.count()) == (
        counts
    )

    call_command("seed_demo", "--units", "60", "--seed", "3", "--reset", stdout=io.StringIO())
    assert (Unit.objects.count(), Organisation.objects.count(), User.objects.count(), StatusChange.objects.count()) == (
        counts
    )


@pytest.mark.django_db
def test_reset_keeps_other_units(qom: Province, unit: Unit) -> None:
    demo_province_build(province=qom, units=30, seed=1403, today=TODAY)
    demo_province_reset(province=qom)
    assert list(Unit.objects.all()) == [unit]


def test_national_split_follows_industrial_weight() -> None:
    shares = demo_national_units(total=NATIONAL_UNITS)
    assert sum(shares.values()) == NATIONAL_UNITS == 90_000
    assert len(shares) == 31
    assert shares["25"] == 2_500
    largest = sorted(shares, key=lambda code: -shares[code])[:4]
    assert set(largest) == {"23", "10", "9", "3"}  # Tehran, Isfahan, Khorasan Razavi, East Azarbaijan
    assert sum(demo_national_units(total=1_000).values()) == 1_000


@pytest.mark.django_db
def test_national_build_covers_every_province() -> None:
    summaries = demo_national_build(total=31 * 4, seed=1403, today=TODAY)
    assert len(summaries) == 31
    assert all(summary.created and summary.units >= 2 for summary in summaries)
    assert Unit.objects.values("county__province").distinct().count() == 31
    assert User.objects.filter(username__in=[spec.username for spec in DEMO_USERS]).count() == len(DEMO_USERS)
    assert Organisation.objects.filter(kind=OrganisationKind.SMT).count() == 31
    ids = list(Unit.objects.values_list("national_id", flat=True))
    assert len(set(ids)) == len(ids)
    assert all(is_valid_national_id(value) for value in ids)
    tehran = Unit.objects.filter(county__province__code="23").first()
    assert tehran is not None
    assert 35.0 <= float(tehran.latitude or 0) <= 36.5
    assert vocabulary.units().provinces.keys() == set(Province.objects.values_list("code", flat=True))
