"""Who may see and change which production units: the one place every page and API endpoint asks.

- system admins, governorate deputies and SMT experts see every unit of their province (national
  staff, whose organisation has no province, see all provinces);
- system admins and SMT experts may add and change them;
- a unit manager sees and changes only the units owned by their own company;
- everyone else (agency liaisons, universities, firms, investors) sees no unit through the registry.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from rownaq.accounts.models import Role, User
from rownaq.geography.models import Province
from rownaq.geography.places import Places
from rownaq.registry.models import ImportBatch, Unit


def units_visible_to(user: User | AnonymousUser) -> QuerySet[Unit]:
    units = Unit.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return units.none()
    if user.is_superuser:
        return units
    if user.is_province_staff:
        province_id = user.province_id
        return units if province_id is None else units.filter(Places.province(province_id).q("county"))
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return units.filter(owner_id=user.organisation_id)
    return units.none()


def can_view_registry(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and (user.is_province_staff or user.role == Role.UNIT_MANAGER)


def can_add_unit(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.can_edit_registry


def can_import(user: User | AnonymousUser) -> bool:
    """Whether the person imports units from Excel (SMT experts and system admins)."""
    return isinstance(user, User) and user.can_edit_registry


def can_edit_unit(user: User | AnonymousUser, unit: Unit) -> bool:
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.can_edit_registry:
        return units_visible_to(user).filter(pk=unit.pk).exists()
    return user.role == Role.UNIT_MANAGER and unit.owner_id is not None and unit.owner_id == user.organisation_id


def get_unit_for_user(user: User | AnonymousUser, pk: int, *, write: bool = False) -> Unit:
    """The unit ``pk`` if ``user`` may see it (and change it, with ``write``); 404 if unseen, 403 if read-only."""
    try:
        unit = (
            units_visible_to(user)
            .select_related("sector", "sector__parent", "county", "county__province", "estate", "owner")
            .get(pk=pk)
        )
    except Unit.DoesNotExist:
        raise Http404 from None
    if write and not can_edit_unit(user, unit):
        raise PermissionDenied
    return unit


def acts_for_unit(user: User, unit: Unit) -> bool:
    """Who files cases and posts needs for a unit: its company's managers, and the experts of its province."""
    if not user.is_active:
        return False
    if user.role == Role.UNIT_MANAGER:
        return user.organisation_id is not None and unit.owner_id == user.organisation_id
    return user.is_expert and user.serves_province(unit.county.province_id)


def page_province(user: User, code: str | None = None) -> Province:
    """The province a page is about: the person's own; for national staff the one asked for by its
    code, or the default province. An unknown code is a 404."""
    if user.province_id is not None:
        return Province.objects.get(pk=user.province_id)
    return get_object_or_404(Province, code=code or settings.ROWNAQ_DEFAULT_PROVINCE)


def unit_from_query(query: Mapping[str, str], user: User | AnonymousUser) -> Unit | None:
    """The unit a form is opened for (``?unit=ID``), if ``user`` may see it; ``None`` without one."""
    if not query.get("unit"):
        return None
    try:
        return get_unit_for_user(user, int(query["unit"]))
    except ValueError:
        raise Http404 from None


def import_batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """Excel imports: registry editors see the imports they uploaded; superusers see all."""
    batches = ImportBatch.objects.select_related("uploaded_by")
    if not user.is_authenticated or not user.can_edit_registry:
        return batches.none()
    return batches if user.is_superuser else batches.filter(uploaded_by=user)


def get_import_batch_for_user(user: User, pk: int) -> ImportBatch:
    """The batch ``pk`` if ``user`` may see it: 403 for people who may not import, 404 for others' batches."""
    if not user.can_edit_registry:
        raise PermissionDenied
    try:
        return import_batches_visible_to(user).get(pk=pk)
    except ImportBatch.DoesNotExist:
        raise Http404 from None
