"""A small exhibition to test with (``build_expo``), shared by the exhibition tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.exhibitions.models import Booth, Exhibition, ExhibitionKind, Exhibitor, Hall
from rownaq.geography.models import Province
from rownaq.needs.models import Capability, Need, NeedKind, SupplySource, Visibility
from rownaq.registry.models import Unit


@dataclass
class Expo:
    """A small-industries exhibition ten days from now, 17:00 to 22:00, with three exhibitors at booths A1–A3.

    ``unit_company`` (manager ``manager``) shows a public need and a confidential one at A1; the
    university lab (member ``lab_member``) shows a public and a non-public capability at A2; the
    knowledge-based firm (member ``firm_member``) shows a public capability at A3.
    """

    exhibition: Exhibition
    hall: Hall
    booths: dict[str, Booth]
    need: Need
    confidential_need: Need
    lab: Organisation
    lab_member: User
    capability: Capability
    private_capability: Capability
    firm: Organisation
    firm_member: User
    firm_capability: Capability

    def at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        """A moment on the exhibition's ``day`` (1 = the first day), Tehran time."""
        date = self.exhibition.starts_on + dt.timedelta(days=day - 1)
        return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def build_expo(
    *,
    province: Province,
    unit: Unit,
    manager: User,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
    starts_on: dt.date | None = None,
) -> Expo:
    first = starts_on or timezone.localdate() + dt.timedelta(days=10)
    need_owner = unit.owner
    assert need_owner is not None
    exhibition = Exhibition.objects.create(
        province=province,
        title="نمایشگاه توانمندی‌های صنایع کوچک استان قم",
        slug="small-industries",
        kind=ExhibitionKind.SMALL_INDUSTRIES,
        starts_on=first,
        ends_on=first + dt.timedelta(days=3),
        opens_at=dt.time(17),
        closes_at=dt.time(22),
        venue="محل دائمی نمایشگاه‌های بین‌المللی قم",
        meeting_minutes=30,
    )
    hall = Hall.objects.create(exhibition=exhibition, name="سالن ۱")
    booths = {code: Booth.objects.create(hall=hall, code=code) for code in ("A1", "A2", "A3")}
    need = Need.objects.create(
        unit=unit,
        posted_by=manager,
        title="قالب تزریق پلاستیک برای قاب کولر",
        description="قالب دو کویته فولاد ۲۳۱۶ برای قاب کولر آبی؛ کارخانه کاشی و سرامیک هم سفارش مشابه دارد.",
        kind=NeedKind.PART,
        supplied_from=SupplySource.IMPORTED,
    )
    confidential = Need.objects.create(
        unit=unit,
        posted_by=manager,
        title="لعاب محرمانه کاشی کف",
        description="فرمول لعاب مات کاشی کف با سختی بالا",
        kind=NeedKind.RAW_MATERIAL,
        supplied_from=SupplySource.IMPORTED,
        visibility=Visibility.APPROVED,
    )
    lab = make_org("آزمایشگاه قالب‌سازی دانشگاه قم", OrganisationKind.UNIVERSITY)
    lab_member = make_user("lab_member", Role.KNOWLEDGE_MEMBER, lab)
    capability = Capability.objects.create(
        owner=lab,
        posted_by=lab_member,
        title="طراحی و ساخت قالب تزریق پلاستیک",
        description="طراحی قالب با نرم‌افزار و ساخت با فرز سی‌ان‌سی پنج محور",
        province=province,
    )
    private_capability = Capability.objects.create(
        owner=lab,
        posted_by=lab_member,
        title="آزمون خستگی محرمانه",
        description="آزمون خستگی قطعات فلزی",
        province=province,
        is_public=False,
    )
    firm = make_org("شرکت دانش‌بنیان پویا قطعه", OrganisationKind.KNOWLEDGE_FIRM)
    firm_member = make_user("firm_member", Role.KNOWLEDGE_MEMBER, firm)
    firm_capability = Capability.objects.create(
        owner=firm,
        posted_by=firm_member,
        title="ریخته‌گری دقیق قطعات فولادی",
        description="ریخته‌گری دقیق به روش موم گمشده",
        province=province,
    )
    shows = [
        (need_owner, booths["A1"], [need, confidential], []),
        (lab, booths["A2"], [], [capability, private_capability]),
        (firm, booths["A3"], [], [firm_capability]),
    ]
    for organisation, booth, needs, capabilities in shows:
        exhibitor = Exhibitor.objects.create(exhibition=exhibition, organisation=organisation)
        exhibitor.needs.set(needs)
        exhibitor.capabilities.set(capabilities)
        booth.exhibitor = exhibitor
        booth.save(update_fields=["exhibitor"])
    return Expo(
        exhibition=exhibition,
        hall=hall,
        booths=booths,
        need=need,
        confidential_need=confidential,
        lab=lab,
        lab_member=lab_member,
        capability=capability,
        private_capability=private_capability,
        firm=firm,
        firm_member=firm_member,
        firm_capability=firm_capability,
    )


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)
