"""API of the unit registry (DRF): the same access rules as the pages, through ``access``."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.routers import BaseRouter

from rownaq.accounts.models import User
from rownaq.core.api import VERSION_HELP, Conflict, required_version
from rownaq.core.api_fields import ModelSerializer
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.geography.models import County, IndustrialEstate
from rownaq.registry import access, services
from rownaq.registry.filters import UnitFilter
from rownaq.registry.models import Licence, Product, Sector, Unit


class SectorSerializer(serializers.ModelSerializer[Sector]):
    class Meta:
        model = Sector
        fields = ["code", "level", "title", "title_en"]


class LicenceSerializer(serializers.ModelSerializer[Licence]):
    expires_on_jalali = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = ["kind", "number", "issued_on", "expires_on", "expires_on_jalali"]

    def get_expires_on_jalali(self, obj: Licence) -> str:
        return format_jalali(obj.expires_on, persian_digits=False)


class ProductSerializer(serializers.ModelSerializer[Product]):
    class Meta:
        model = Product
        fields = ["name", "hs_code", "measure", "nominal_capacity"]


class UnitSerializer(ModelSerializer[Unit]):
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.filter(level="class"))
    sector_title = serializers.CharField(source="sector.display_title", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True, default=None, allow_null=True)
    status_since_jalali = serializers.SerializerMethodField()
    licences = LicenceSerializer(many=True, read_only=True)
    products = ProductSerializer(many=True, read_only=True)
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.all())
    estate = serializers.PrimaryKeyRelatedField(
        queryset=IndustrialEstate.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "national_id",
            "sector",
            "sector_title",
            "county",
            "county_name",
            "estate",
            "estate_name",
            "address",
            "postal_code",
            "latitude",
            "longitude",
            "employees",
            "status",
            "status_since",
            "status_since_jalali",
            "is_exporter",
            "is_knowledge_based",
            "version",
            "licences",
            "products",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]
        extra_kwargs = {"version": {"help_text": VERSION_HELP}}

    def get_status_since_jalali(self, obj: Unit) -> str:
        return format_jalali(obj.status_since, persian_digits=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        province_id = user.province_id if isinstance(user, User) else None
        if not (isinstance(user, User) and user.can_edit_registry):
            # A unit manager keeps the unit's identity as the SMT organisation registered it (as on the page).
            self.fields["national_id"].read_only = True
        if province_id is not None:
            # Province staff register units in their own province only.
            self.fields["county"].queryset = County.objects.filter(province_id=province_id)  # type: ignore[attr-defined]
            self.fields["estate"].queryset = IndustrialEstate.objects.filter(  # type: ignore[attr-defined]
                county__province_id=province_id
            )

    def validate_name(self, value: str) -> str:
        value = normalise_text(value)
        if not value:
            raise serializers.ValidationError(_("Enter the name of the unit."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        estate = attrs.get("estate", getattr(self.instance, "estate", None))
        county = attrs.get("county", getattr(self.instance, "county", None))
        if estate is not None and county is not None and estate.county_id != county.pk:
            raise serializers.ValidationError({"estate": _("This industrial estate is not in the chosen county.")})
        return attrs


class UnitPermission(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not access.can_view_registry(user):
            return False
        if request.method == "POST":
            return access.can_add_unit(user)
        return True

    def has_object_permission(self, request: Request, view: Any, obj: Unit) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.can_edit_unit(request.user, obj)


class UnitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Unit],
):
    """Production units the caller may see. Filters as on the unit list page; ``q`` searches in Persian.
    An update (PUT or PATCH) sends the ``version`` it loaded: 400 without it, 409 if someone changed the unit."""

    serializer_class = UnitSerializer
    permission_classes = [permissions.IsAuthenticated, UnitPermission]
    filterset_class = UnitFilter
    ordering_fields = ["name", "employees", "status_since", "updated_at"]
    ordering = ["id"]

    def get_queryset(self) -> QuerySet[Unit]:
        return (
            access.units_visible_to(self.request.user)
            .select_related("sector", "county", "estate")
            .prefetch_related("licences", "products")
        )

    def perform_create(self, serializer: serializers.BaseSerializer[Unit]) -> None:
        user = cast(User, self.request.user)  # UnitPermission let only logged-in people through
        serializer.instance = services.unit_create(by=user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer[Unit]) -> None:
        user = cast(User, self.request.user)
        assert serializer.instance is not None
        expected = required_version(self.request.data)  # 400 without it: no silent overwrite
        try:
            serializer.instance = services.unit_update(
                unit=serializer.instance, by=user, expected_version=expected, **serializer.validated_data
            )
        except services.StaleEditError as exc:
            raise Conflict(str(exc)) from exc


class SectorViewSet(viewsets.ReadOnlyModelViewSet[Sector]):
    """ISIC Rev.4 sections, divisions, groups and classes with their Persian titles."""

    queryset = Sector.objects.all()
    serializer_class = SectorSerializer
    filterset_fields = ["level", "code"]
    lookup_field = "code"


def register(router: BaseRouter) -> None:
    router.register("units", UnitViewSet, basename="unit")
    router.register("sectors", SectorViewSet, basename="sector")
