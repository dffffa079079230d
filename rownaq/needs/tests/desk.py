"""The needs desk's test helpers: a lab and a firm with capabilities (``make_desk``), a factory's
need (``post_need``) and a drawing (``PDF``). Signing in: ``rownaq.accounts.testing``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rownaq.accounts.models import Organisation, OrganisationKind, Role, User
from rownaq.needs import services
from rownaq.needs.models import Capability, Need, NeedKind, SupplySource
from rownaq.registry.models import Unit

PDF = b"%PDF-1.4\n% drawing\n"


@dataclass
class Desk:
    lab_org: Organisation
    lab: User
    firm_org: Organisation
    firm: User
    capability: Capability
    firm_capability: Capability


def make_desk(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Desk:
    """A university lab and a knowledge-based firm, each with a capability in the public catalogue."""
    lab_org = make_org("آزمایشگاه مواد دانشگاه قم", OrganisationKind.UNIVERSITY)
    lab = make_user("lab", Role.KNOWLEDGE_MEMBER, lab_org, first_name="رضا", last_name="کریمی")
    firm_org = make_org("شرکت دانش‌بنیان پویا صنعت", OrganisationKind.KNOWLEDGE_FIRM)
    firm = make_user("firm", Role.KNOWLEDGE_MEMBER, firm_org)
    capability = services.capability_post(
        by=lab,
        title="ساخت قالب تزریق پلاستیک و قطعات صنعتی با فرز CNC",
        description="طراحی و ساخت قالب تزریق پلاستیک، مهندسی معکوس قطعات وارداتی و تولید نمونه با فرز پنج‌محور",
        equipment="فرز CNC پنج‌محور، دستگاه اسکن سه‌بعدی",
        hs_codes="848071",
    )
    firm_capability = services.capability_post(
        by=firm,
        title="نرم‌افزار حسابداری و مدیریت انبار",
        description="پیاده‌سازی نرم‌افزار مالی و انبارداری برای شرکت‌های کوچک",
    )
    return Desk(lab_org, lab, firm_org, firm, capability, firm_capability)


def post_need(unit: Unit, by: User, **fields: Any) -> Need:
    defaults: dict[str, Any] = {
        "title": "قالب تزریق پلاستیک قطعه درپوش",
        "description": "قالب تزریق پلاستیک برای درپوش که امروز از خارج وارد می‌شود؛ نیاز به مهندسی معکوس قطعه.",
        "kind": NeedKind.PART,
        "supplied_from": SupplySource.IMPORTED,
        "hs_code": "848071",
        "annual_quantity": Decimal("12000"),
        "quantity_unit": "عدد",
        "yearly_value": 9_000_000_000,
        "reply_days": 5,
    }
    defaults.update(fields)
    return services.need_post(unit=unit, by=by, **defaults)
