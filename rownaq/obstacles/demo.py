"""A plausible year of obstacle cases for the demo province, the same one for the same seed.

About 300 cases for Qom (scaled by the number of units elsewhere), filed over the last twelve
months, each lived through the workflow's own rules: filed, triaged (a few rejected or merged),
referred to the agencies of its category in the province (one bank for money matters) with a due
date of ``add_working_days``, answered in time or escalated to the HQ agenda the day after the due
date (as the escalation job does), resolved by the expert and confirmed by the unit. A step happens
only if its day is before ``today``, so young cases are in early states. Every step is a
``CaseEvent`` with who, when, from which state to which; ``version`` counts the transitions.

Who files: there are no users for most demo companies. The demo ``manager`` files for the units of
his company; every other case is filed by the demo ``expert``, «from a visit» for about a third of
them and otherwise on the unit's behalf (``from_visit`` False). A unit's confirmation of the outcome
is recorded by the system (``by`` empty) with a note that the manager confirmed by phone, except on
the manager's own units, where he confirms himself.

Scripted cases make the demo logins show real pages: the manager's two units have three cases at
different stages, and the ``bank`` liaison (Bank Mellat) has several open referrals, one overdue.

Rows are written with ``bulk_create`` (which bypasses ``save()``), after ``Case.normalise()`` and
with the answers normalised as ``Referral.save()`` would. HQ meetings are not generated here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.geography.models import Province
from rownaq.obstacles.models import (
    Case,
    CaseEvent,
    CaseState,
    ObstacleCategory,
    OutcomeKind,
    Referral,
    ReferralState,
    Urgency,
)
from rownaq.obstacles.models.cases import OPEN_STATES
from rownaq.registry.demo.generator import demo_units
from rownaq.registry.models import Unit, UnitStatus
from rownaq.workdays.models import Holiday
from rownaq.workdays.services import add_working_days

S = CaseState
QOM_CASES = 300
QOM_UNITS = 2_500
BILLION = 1_000_000_000
MELLAT = "بانک ملت"


@dataclass(frozen=True)
class Story:
    """What a unit writes about one kind of obstacle, and what the agencies answer."""

    titles: tuple[str, ...]
    description: str  # may use {amount} (billion rials) and {months}
    amount: tuple[int, int] | None  # billion rials
    answers: tuple[str, ...]
    outcome: str  # an OutcomeKind
    outcome_notes: tuple[str, ...]


STORIES: dict[str, Story] = {
    "working-capital": Story(
        (
            "کمبود سرمایه در گردش برای خرید مواد اولیه",
            "درخواست تسهیلات سرمایه در گردش",
            "معطل ماندن پرونده تسهیلات سرمایه در گردش در شعبه",
        ),
        "واحد برای تأمین مواد اولیه و پرداخت حقوق کارکنان به {amount} میلیارد ریال سرمایه در گردش نیاز دارد. "
        "پرونده {months} ماه است در شعبه مانده و هر بار مدرک تازه‌ای خواسته می‌شود.",
        (5, 120),
        (
            "پرونده در کمیته اعتباری شعبه مطرح شد و با پرداخت تسهیلات به شرط ارائه وثیقه ملکی موافقت شد.",
            "با توجه به سقف تسهیلات تبصره ۱۸، مبلغ در دو مرحله پرداخت می‌شود؛ مرحله اول این ماه.",
            "مدارک تکمیلی (صورت‌های مالی حسابرسی‌شده) دریافت و پرونده به مدیریت شعب ارسال شد.",
        ),
        OutcomeKind.MONEY_RELEASED,
        ("تسهیلات سرمایه در گردش پرداخت شد.", "مرحله اول تسهیلات به حساب واحد واریز شد."),
    ),
    "bank-guarantee": Story(
        (
            "عدم تمدید ضمانت‌نامه بانکی به دلیل بدهی معوق",
            "درخواست صدور ضمانت‌نامه حسن انجام کار",
            "ضبط ضمانت‌نامه بانکی قرارداد",
        ),
        "بانک به دلیل {amount} میلیارد ریال بدهی معوق، ضمانت‌نامه واحد را تمدید نمی‌کند و قرارداد فروش محصول "
        "به خطر افتاده است.",
        (10, 250),
        (
            "با تمدید ضمانت‌نامه به مدت شش ماه به شرط تودیع ۱۰ درصد وجه نقد موافقت شد.",
            "صدور ضمانت‌نامه منوط به تسویه اقساط معوق است؛ تقسیط بدهی در کمیته شعبه بررسی می‌شود.",
        ),
        OutcomeKind.MONEY_RELEASED,
        ("ضمانت‌نامه تمدید شد و قرارداد واحد ادامه یافت.", "ضمانت‌نامه صادر شد."),
    ),
    "bank-debt-rescheduling": Story(
        ("درخواست استمهال بدهی بانکی", "تقسیط اقساط معوق تسهیلات طرح توسعه"),
        "بدهی معوق واحد به بانک {amount} میلیارد ریال است. واحد پس از {months} ماه توقف تولید آماده بازپرداخت "
        "است و درخواست امهال و تقسیط دارد.",
        (20, 300),
        (
            "با امهال بدهی به مدت ۳۶ ماه و بخشودگی جرائم تأخیر مطابق مصوبه موافقت شد.",
            "پرونده برای استمهال به مدیریت امور شعب ارسال شد؛ پیش‌پرداخت ۱۰ درصد لازم است.",
        ),
        OutcomeKind.DEBT_RESCHEDULED,
        ("بدهی بانکی ۳۶ ماهه تقسیط شد و حساب‌های واحد آزاد شد.",),
    ),
    "investment-facility": Story(
        ("تأخیر در پرداخت تسهیلات طرح توسعه", "درخواست تسهیلات خرید ماشین‌آلات"),
        "طرح توسعه واحد با پیشرفت ۷۰ درصد به {amount} میلیارد ریال تسهیلات برای خرید ماشین‌آلات نیاز دارد.",
        (30, 300),
        ("طرح در کارگروه تسهیلات استان تأیید شد و پرونده به شعبه عامل ارسال شد.",),
        OutcomeKind.MONEY_RELEASED,
        ("تسهیلات طرح توسعه پرداخت و ماشین‌آلات خریداری شد.",),
    ),
    "currency-allocation": Story(
        ("تأخیر در تخصیص ارز برای واردات مواد اولیه", "معطل ماندن ثبت سفارش و تخصیص ارز قطعات یدکی"),
        "ثبت سفارش واحد برای واردات مواد اولیه به ارزش {amount} میلیارد ریال {months} ماه است در صف تخصیص ارز "
        "مانده و موجودی انبار رو به پایان است.",
        (15, 200),
        (
            "ثبت سفارش در اولویت تخصیص قرار گرفت.",
            "تخصیص ارز در سامانه جامع تجارت انجام شد؛ تأمین ارز از طریق بانک عامل پیگیری شود.",
        ),
        OutcomeKind.SUPPLY_RESTORED,
        ("ارز تخصیص یافت و مواد اولیه ترخیص شد.",),
    ),
    "customs-clearance": Story(
        ("رسوب مواد اولیه در گمرک", "تأخیر در ترخیص ماشین‌آلات خط تولید"),
        "محموله مواد اولیه واحد به ارزش {amount} میلیارد ریال به دلیل نقص مدارک در گمرک مانده و خط تولید متوقف "
        "شده است.",
        (5, 150),
        ("با ترخیص محموله با تعهد ارائه مدارک تا یک ماه موافقت شد.",),
        OutcomeKind.SUPPLY_RESTORED,
        ("محموله ترخیص شد و تولید از سر گرفته شد.",),
    ),
    "insurance-debt": Story(
        ("بدهی بیمه‌ای و مسدود شدن حساب", "درخواست تقسیط بدهی حق بیمه کارکنان"),
        "تأمین اجتماعی به دلیل {amount} میلیارد ریال بدهی حق بیمه، حساب‌های بانکی واحد را مسدود کرده و پرداخت "
        "حقوق کارکنان ممکن نیست.",
        (2, 60),
        (
            "با تقسیط بدهی در ۲۴ قسط و رفع انسداد حساب پس از پرداخت قسط اول موافقت شد.",
            "بخشودگی جرائم بدهی مطابق بخشنامه اعمال و پرونده به هیئت تشخیص مطالبات ارسال شد.",
        ),
        OutcomeKind.DEBT_RESCHEDULED,
        ("بدهی بیمه تقسیط و حساب‌های واحد رفع انسداد شد.",),
    ),
    "tax-assessment": Story(
        ("اعتراض به برگ تشخیص مالیات عملکرد", "مالیات علی‌الرأس سنگین برای سال زیان‌ده"),
        "برای عملکرد سال گذشته {amount} میلیارد ریال مالیات علی‌الرأس تعیین شده، در حالی که واحد زیان‌ده بوده است.",
        (2, 80),
        (
            "پرونده به هیئت حل اختلاف مالیاتی ارجاع شد و تا صدور رأی، عملیات اجرایی متوقف است.",
            "با تقسیط مالیات قطعی‌شده در ۱۲ قسط موافقت شد.",
        ),
        OutcomeKind.DEBT_RESCHEDULED,
        ("مالیات در هیئت حل اختلاف تعدیل و تقسیط شد.",),
    ),
    "vat-refund": Story(
        ("تأخیر در استرداد مالیات بر ارزش افزوده صادرات",),
        "واحد صادرکننده است و {amount} میلیارد ریال مالیات بر ارزش افزوده صادرات آن {months} ماه است مسترد نشده است.",
        (2, 50),
        ("پرونده استرداد رسیدگی و مبلغ در نوبت پرداخت خزانه قرار گرفت.",),
        OutcomeKind.MONEY_RELEASED,
        ("مالیات بر ارزش افزوده مسترد شد.",),
    ),
    "power-cuts": Story(
        ("قطع برق واحد در ساعات اوج مصرف", "محدودیت دو روز در هفته برق صنایع"),
        "اعمال محدودیت برق در تابستان تولید واحد را نصف کرده و سفارش‌ها عقب افتاده است.",
        None,
        (
            "واحد در فهرست صنایع با اولویت تأمین برق قرار گرفت و محدودیت به ساعات شب منتقل شد.",
            "با نصب کنتور هوشمند و جابه‌جایی بار، محدودیت کاهش می‌یابد.",
        ),
        OutcomeKind.SUPPLY_RESTORED,
        ("برنامه محدودیت برق واحد اصلاح شد.",),
    ),
    "power-connection": Story(
        ("درخواست افزایش قدرت انشعاب برق", "تأخیر در واگذاری انشعاب برق خط جدید"),
        "خط تولید جدید آماده بهره‌برداری است اما درخواست افزایش دیماند برق {months} ماه است بی‌پاسخ مانده است.",
        None,
        ("با افزایش قدرت انشعاب پس از پرداخت هزینه انشعاب موافقت شد.",),
        OutcomeKind.SUPPLY_RESTORED,
        ("انشعاب برق افزایش یافت و خط جدید راه‌اندازی شد.",),
    ),
    "gas-supply": Story(
        ("قطع گاز واحد در فصل زمستان", "محدودیت سهمیه گاز کوره"),
        "با اعمال محدودیت گاز صنایع در زمستان، کوره‌های واحد خاموش شده و تولید متوقف است.",
        None,
        (
            "سهمیه گاز واحد در اولویت دوم قرار گرفت و با سوخت جایگزین (مازوت) موافقت شد.",
            "محدودیت گاز تا پایان موج سرما ادامه دارد؛ پس از آن سهمیه کامل برقرار می‌شود.",
        ),
        OutcomeKind.SUPPLY_RESTORED,
        ("گاز واحد دوباره برقرار شد.",),
    ),
    "water-supply": Story(
        ("کمبود آب و تأخیر در انشعاب فاضلاب",),
        "واحد برای توسعه تولید به انشعاب آب صنعتی نیاز دارد و درخواست آن {months} ماه است بررسی نشده است.",
        None,
        ("با واگذاری انشعاب آب از چاه شهرک موافقت شد.",),
        OutcomeKind.SUPPLY_RESTORED,
        ("انشعاب آب صنعتی واگذار شد.",),
    ),
    "environment-permit": Story(
        ("تأخیر در پاسخ استعلام محیط زیست", "دستور توقف فعالیت به دلیل آلایندگی"),
        "پاسخ استعلام محیط زیست برای تمدید پروانه بهره‌برداری {months} ماه است داده نشده و تمدید پروانه متوقف "
        "مانده است.",
        None,
        (
            "پس از بازدید کارشناسی و نصب سیستم غبارگیر، با فعالیت واحد موافقت شد.",
            "واحد باید تا سه ماه فیلتر کوره را نصب کند؛ تا آن زمان مجوز موقت صادر شد.",
        ),
        OutcomeKind.LICENCE_ISSUED,
        ("پاسخ مثبت استعلام محیط زیست صادر شد.",),
    ),
    "standards-mark": Story(
        ("تأخیر در صدور پروانه کاربرد نشان استاندارد",),
        "محصول جدید واحد آزمون‌های آزمایشگاه همکار را گذرانده اما پروانه نشان استاندارد آن {months} ماه است "
        "صادر نشده است.",
        None,
        ("پروانه کاربرد نشان استاندارد پس از بازرسی نهایی صادر شد.",),
        OutcomeKind.LICENCE_ISSUED,
        ("پروانه نشان استاندارد صادر شد.",),
    ),
    "operating-licence": Story(
        ("تأخیر در تمدید پروانه بهره‌برداری",),
        "پروانه بهره‌برداری واحد منقضی شده و تمدید آن به دلیل استعلام‌های متعدد {months} ماه طول کشیده است.",
        None,
        ("پروانه بهره‌برداری پس از تکمیل استعلام‌ها تمدید شد.",),
        OutcomeKind.LICENCE_ISSUED,
        ("پروانه بهره‌برداری تمدید شد.",),
    ),
    "estate-land": Story(
        ("تأخیر در صدور سند قطعی زمین در شهرک", "درخواست واگذاری زمین برای توسعه"),
        "واحد اقساط زمین را پرداخته اما سند قطعی زمین صادر نشده و بدون سند، بانک تسهیلات نمی‌دهد.",
        None,
        ("سند تفکیکی زمین صادر و به واحد تحویل شد.",),
        OutcomeKind.LICENCE_ISSUED,
        ("سند زمین صادر شد.",),
    ),
    "building-permit": Story(
        ("تأخیر در صدور پروانه ساختمانی سوله",),
        "درخواست پروانه ساختمانی برای توسعه سوله تولید {months} ماه است در کمیسیون ماده ۵ مانده است.",
        None,
        ("پروانه ساختمانی با تقسیط عوارض صادر شد.",),
        OutcomeKind.LICENCE_ISSUED,
        ("پروانه ساختمانی صادر شد.",),
    ),
    "municipality-duties": Story(
        ("عوارض سنگین شهرداری برای واحد تولیدی", "مطالبه عوارض نوسازی از واحد صنعتی"),
        "شهرداری {amount} میلیارد ریال عوارض از واحد مطالبه کرده که بیش از توان پرداخت واحد است.",
        (1, 30),
        ("با تقسیط عوارض در ۱۸ قسط و بخشودگی جرائم موافقت شد.",),
        OutcomeKind.DEBT_RESCHEDULED,
        ("عوارض شهرداری تقسیط شد.",),
    ),
    "raw-materials": Story(
        ("کمبود مواد اولیه و توقف خط تولید", "عدم تأمین مواد اولیه از بورس کالا"),
        "سهمیه مواد اولیه واحد در بورس کالا کاهش یافته و خط تولید با ۴۰ درصد ظرفیت کار می‌کند.",
        None,
        ("سهمیه واحد در سامانه بهین‌یاب اصلاح و با خرید از عرضه بعدی موافقت شد.",),
        OutcomeKind.SUPPLY_RESTORED,
        ("تأمین مواد اولیه واحد برقرار شد.",),
    ),
    "disruptive-regulations": Story(
        ("بخشنامه مزاحم در صدور مجوز", "قانون مزاحم در صادرات محصول"),
        "بر اساس بخشنامه جدید، هر محموله صادراتی به استعلام تازه‌ای نیاز دارد که {months} ماه طول می‌کشد.",
        None,
        ("موضوع به عنوان قانون مزاحم برای طرح در ستاد ملی ارسال شد.",),
        OutcomeKind.REGULATION_CHANGED,
        ("بخشنامه اصلاح شد و استعلام حذف شد.",),
    ),
    "idle-unit-revival": Story(
        ("درخواست احیای واحد راکد",),
        "واحد {months} ماه است به دلیل بدهی بانکی و کمبود سرمایه در گردش راکد است و برای احیا به {amount} "
        "میلیارد ریال تسهیلات نیاز دارد.",
        (20, 250),
        ("واحد در فهرست احیای واحدهای راکد قرار گرفت و پرونده به بانک عامل ارسال شد.",),
        OutcomeKind.MONEY_RELEASED,
        ("تسهیلات احیا پرداخت و واحد دوباره فعال شد.",),
    ),
    "smuggling": Story(
        ("واردات بی‌رویه و قاچاق محصول مشابه",),
        "محصول مشابه خارجی به صورت قاچاق و با قیمت پایین در بازار عرضه می‌شود و فروش واحد افت کرده است.",
        None,
        ("گزارش به ستاد مبارزه با قاچاق کالا ارسال و بازرسی از بازار انجام شد.",),
        OutcomeKind.OTHER,
        ("بازرسی انجام و کالای قاچاق جمع‌آوری شد.",),
    ),
    "courts": Story(
        ("توقیف ماشین‌آلات خط تولید به حکم دادگاه",),
        "به دلیل دعوای حقوقی با طلبکار، ماشین‌آلات خط تولید توقیف شده و {amount} میلیارد ریال خواسته دعواست.",
        (5, 100),
        ("با جایگزینی وثیقه ملکی به جای ماشین‌آلات موافقت شد.",),
        OutcomeKind.OTHER,
        ("توقیف ماشین‌آلات رفع شد و تولید ادامه یافت.",),
    ),
    "labour-disputes": Story(
        ("شکایات کارگری و رأی هیئت حل اختلاف",),
        "آرای هیئت حل اختلاف کار به زیان واحد صادر شده و اجرای آن حساب‌های واحد را مسدود کرده است.",
        None,
        ("پرونده در هیئت تجدیدنظر مطرح و اجرای رأی تا صدور رأی نهایی متوقف شد.",),
        OutcomeKind.OTHER,
        ("رأی تجدیدنظر صادر و حساب‌ها آزاد شد.",),
    ),
}

WEIGHTS: dict[str, int] = {
    "working-capital": 16,
    "bank-guarantee": 8,
    "bank-debt-rescheduling": 8,
    "investment-facility": 4,
    "currency-allocation": 7,
    "customs-clearance": 3,
    "insurance-debt": 9,
    "tax-assessment": 5,
    "vat-refund": 3,
    "power-cuts": 5,
    "power-connection": 3,
    "gas-supply": 5,
    "water-supply": 2,
    "environment-permit": 4,
    "standards-mark": 3,
    "operating-licence": 3,
    "estate-land": 3,
    "building-permit": 2,
    "municipality-duties": 3,
    "raw-materials": 6,
    "disruptive-regulations": 2,
    "idle-unit-revival": 3,
    "smuggling": 2,
    "courts": 2,
    "labour-disputes": 2,
}

REJECT_REASONS = (
    "موضوع در حیطه وظایف ستاد تسهیل نیست و به مرجع قضایی مربوط است.",
    "مدارک واحد ناقص است؛ پس از تکمیل مدارک دوباره ثبت شود.",
    "واحد پروانه بهره‌برداری معتبر ندارد.",
)
URGENCIES: tuple[tuple[str, float], ...] = (
    (Urgency.LOW, 0.15),
    (Urgency.NORMAL, 0.50),
    (Urgency.HIGH, 0.25),
    (Urgency.CRITICAL, 0.10),
)
REFERRAL_DAYS = (5, 7, 10, 10, 10, 15)
NO_ANSWER_SHARE = 0.12  # referrals the agency leaves unanswered past the due date
RESOLVE_SHARE = 0.85
CONFIRM_SHARE = 0.9
REJECT_SHARE = 0.05
MERGE_SHARE = 0.03


@dataclass
class _Plan:
    case: Case
    referrals: list[Referral] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    merge_into: int | None = None  # index of another plan


@dataclass
class DemoCasesSummary:
    cases: int = 0
    referrals: int = 0
    events: int = 0
    states: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Script:
    """A case whose fate is fixed: for the demo logins."""

    unit: Unit
    category: str
    age: int  # days since filing
    stop: str  # the state to stop at
    days: int = 10
    bank: str = MELLAT


def demo_cases(*, province: Province) -> QuerySet[Case]:
    return Case.objects.filter(unit__in=demo_units(province=province).values("pk"))


@transaction.atomic
def demo_cases_reset(*, province: Province) -> int:
    """Delete the demo units' cases with their referrals and history; returns how many cases."""
    cases = demo_cases(province=province)
    count = cases.count()
    Case.objects.filter(merged_into__in=cases.values("pk")).update(merged_into=None)
    cases.delete()
    return count


class _Builder:
    def __init__(self, *, province: Province, seed: int, today: dt.date, count: int | None) -> None:
        self.province = province
        self.today = today
        self.rng = random.Random(f"rownaq-demo-cases:{seed}:{province.code}")
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.units = list(demo_units(province=province).exclude(status=UnitStatus.CLOSED).order_by("national_id"))
        all_units = demo_units(province=province).count()
        self.count = count if count is not None else max(10, round(QOM_CASES * all_units / QOM_UNITS))
        self.categories = {c.code: c for c in ObstacleCategory.objects.filter(code__in=list(STORIES))}
        self.agencies: dict[str, list[Organisation]] = {}
        for org in Organisation.objects.filter(province=province).exclude(agency_code="").order_by("name", "pk"):
            self.agencies.setdefault(org.agency_code, []).append(org)
        users = {u.username: u for u in User.objects.filter(username__in=["expert", "manager", "deputy", "bank"])}
        self.expert = users.get("expert")
        self.manager = users.get("manager")
        self.deputy = users.get("deputy")
        self.holidays = set(Holiday.objects.values_list("date", flat=True))
        self.plans: list[_Plan] = []

    # -- time ----------------------------------------------------------------------------------

    def _at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = self.rng.randint(8, 14) if hour is None else hour
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def _after(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A working-hours moment ``low``..``high`` working days after ``moment`` (0: later that day)."""
        days = self.rng.randint(low, high)
        if days == 0:
            return moment + dt.timedelta(minutes=self.rng.randint(20, 120))
        day, counted = moment.astimezone(self.tz).date(), 0
        while counted < days:
            day += dt.timedelta(days=1)
            if day.weekday() != 4 and day not in self.holidays:
                counted += 1
        return self._at(day)

    def _happened(self, moment: dt.datetime) -> bool:
        return moment.astimezone(self.tz).date() < self.today

    # -- choices -------------------------------------------------------------------------------

    def _pick(self, items: Sequence[tuple[Any, float]]) -> Any:
        roll = self.rng.random() * sum(weight for _, weight in items)
        for item, weight in items:
            if roll < weight:
                return item
            roll -= weight
        return items[-1][0]

    def _bank(self, name: str | None = None) -> Organisation | None:
        banks = self.agencies.get(AgencyCode.BANK, [])
        if not banks:
            return None
        if name is None:
            name = MELLAT if self.rng.random() < 0.25 else ""
        for bank in banks:
            if name and bank.name.startswith(name):
                return bank
        return self.rng.choice(banks)

    def _agencies(self, category: ObstacleCategory, bank: str | None = None) -> list[Organisation]:
        chosen: list[Organisation] = []
        for code in category.agency_codes:
            if code == AgencyCode.BANK:
                org = self._bank(bank)
                chosen.extend([org] if org else [])
            else:
                chosen.extend(self.agencies.get(code, [])[:1])
        return chosen

    # -- one case --------------------------------------------------------------------------------

    def _case(self, unit: Unit, code: str, age: int, *, manager_unit: bool) -> _Plan:
        rng, story = self.rng, STORIES[code]
        filer = self.manager if manager_unit and self.manager is not None else self.expert
        assert filer is not None
        amount = None
        months = rng.randint(2, 14)
        billions = rng.randint(*story.amount) if story.amount else 0
        if story.amount:
            amount = billions * BILLION
        urgency = self._pick(URGENCIES)
        if code in ("gas-supply", "power-cuts") and rng.random() < 0.5:
            urgency = Urgency.CRITICAL
        case = Case(
            unit=unit,
            category=self.categories[code],
            title=rng.choice(story.titles),
            description=story.description.format(amount=f"{billions:,}", months=months),
            amount=amount,
            urgency=urgency,
            state=S.SUBMITTED,
            filed_by=filer,
            filed_at=self._at(self.today - dt.timedelta(days=age)),
            from_visit=not manager_unit and rng.random() < 0.35,
        )
        plan = _Plan(case=case)
        plan.events.append(self._event("file", "", S.SUBMITTED, filer, case.filed_at))
        return plan

    def _event(
        self,
        action: str,
        from_state: str,
        to_state: str,
        by: User | None,
        at: dt.datetime,
        comment: str = "",
        data: dict[str, Any] | None = None,
    ) -> CaseEvent:
        return CaseEvent(
            action=action,
            from_state=from_state,
            to_state=to_state,
            by=by,
            at=at,
            comment=normalise_text(comment),
            data=data or {},
        )

    def _move(self, plan: _Plan, action: str, to_state: str, by: User | None, at: dt.datetime, **extra: Any) -> None:
        plan.events.append(self._event(action, plan.case.state, to_state, by, at, **extra))
        plan.case.state = to_state
        plan.case.version += 1

    def _live(
        self,
        plan: _Plan,
        *,
        fate: str = "normal",
        stop: str | None = None,
        days: int | None = None,
        bank: str | None = None,
        answer_share: float | None = None,
    ) -> None:
        """Take the case through the workflow until ``today`` (or the ``stop`` state)."""
        rng, case, expert = self.rng, plan.case, self.expert
        story = STORIES[case.category.code]
        moment = self._after(case.filed_at, 1, 3)
        if not self._happened(moment) or stop == S.SUBMITTED:
            return
        if fate == "reject":
            self._move(plan, "reject", S.REJECTED, expert, moment, comment=rng.choice(REJECT_REASONS))
            case.closed_at = moment
            return
        if fate == "merge":
            self._move(plan, "merge", S.MERGED, expert, moment, comment="پرونده تکراری است.")
            case.closed_at = moment
            return
        self._move(plan, "accept", S.ACCEPTED, expert, moment)
        referred_at = self._after(moment, 0, 2)
        agencies = self._agencies(case.category, bank)
        if not self._happened(referred_at) or stop == S.ACCEPTED or not agencies:
            return
        days = days or rng.choice(REFERRAL_DAYS)
        self._move(
            plan,
            "refer",
            S.REFERRED,
            expert,
            referred_at,
            data={"agencies": [a.pk for a in agencies], "working_days": days},
        )
        due = add_working_days(referred_at.astimezone(self.tz).date(), days)
        steps: list[tuple[dt.datetime, str, Referral]] = []
        no_answer = NO_ANSWER_SHARE if answer_share is None else 1 - answer_share
        for agency in agencies:
            referral = Referral(
                agency=agency,
                referred_by=expert,
                referred_at=referred_at,
                working_days=days,
                due_on=due,
                state=ReferralState.OPEN,
            )
            plan.referrals.append(referral)
            if rng.random() < no_answer or stop == S.REFERRED:
                # The escalation job runs every 15 minutes: a few minutes after midnight past the due date.
                steps.append((self._at(due + dt.timedelta(days=1), hour=0), "escalate", referral))
            else:
                answer_at = self._after(referred_at, 1, days)
                if answer_at.date() > due:
                    answer_at = self._at(due)
                steps.append((answer_at, "answer", referral))
        steps.sort(key=lambda step: step[0])
        last = referred_at
        for moment, kind, referral in steps:
            if not self._happened(moment):
                break
            if kind == "answer" and case.state == S.REFERRED:
                open_others = any(r is not referral and r.state == ReferralState.OPEN for r in plan.referrals)
                text = normalise_text(rng.choice(story.answers))
                referral.state, referral.answer, referral.answered_at = ReferralState.ANSWERED, text, moment
                self._move(
                    plan,
                    "answer",
                    S.REFERRED if open_others else S.ANSWERED,
                    None,
                    moment,
                    comment=text,
                    data={"agency": referral.agency.pk},
                )
                plan.events[-1].data["liaison"] = True  # the agency's liaison is filled in when writing
                last = moment
            elif kind == "escalate" and referral.state == ReferralState.OPEN:
                referral.escalated_at = moment
                if case.state in (S.REFERRED, S.ANSWERED, S.ACCEPTED):
                    comment = f"{referral.agency.name} تا {format_jalali(referral.due_on)} پاسخ نداد."
                    self._move(
                        plan,
                        "put_on_agenda",
                        S.ON_AGENDA,
                        None,
                        moment,
                        comment=comment,
                        data={"escalated": True},
                    )
        if case.state != S.ANSWERED or stop == S.ANSWERED:
            return
        resolved_at = self._after(last, 2, 15)
        if not self._happened(resolved_at) or (stop is None and rng.random() > RESOLVE_SHARE):
            return
        note = normalise_text(rng.choice(story.outcome_notes))
        self._move(plan, "resolve", S.RESOLVED, expert, resolved_at, comment=note)
        case.outcome_kind, case.outcome_note = story.outcome, note
        if story.outcome == OutcomeKind.MONEY_RELEASED and case.amount:
            share = rng.choice((0.5, 0.6, 0.75, 0.8, 1.0, 1.0))
            case.money_released = max(BILLION, round(case.amount * share / BILLION) * BILLION)
        confirmed_at = self._after(resolved_at, 1, 7)
        if stop == S.RESOLVED or not self._happened(confirmed_at) or (stop is None and rng.random() > CONFIRM_SHARE):
            return
        own = self.manager is not None and case.filed_by_id == self.manager.pk
        comment = "" if own else "مدیر واحد نتیجه را در تماس تلفنی تأیید کرد."
        self._move(plan, "confirm", S.CLOSED, self.manager if own else None, confirmed_at, comment=comment)
        case.unit_confirmed_at = case.closed_at = confirmed_at

    # -- the whole province ----------------------------------------------------------------------

    def build(self) -> DemoCasesSummary:
        if self.expert is None or not self.units or not self.categories:
            return DemoCasesSummary()
        rng = self.rng
        codes = [code for code in WEIGHTS if code in self.categories]
        weighted = [(code, float(WEIGHTS[code])) for code in codes]
        manager_org = self.manager.organisation_id if self.manager is not None else None
        showcase = [unit for unit in self.units if manager_org is not None and unit.owner_id == manager_org]
        others = [unit for unit in self.units if unit not in showcase] or self.units
        for script in self._scripts(showcase, others):
            plan = self._case(script.unit, script.category, script.age, manager_unit=script.unit in showcase)
            self._live(plan, stop=script.stop, days=script.days, bank=script.bank, answer_share=1.0)
            self.plans.append(plan)
        while len(self.plans) < self.count:
            unit = rng.choice(others)
            code = self._pick(weighted)
            if code == "idle-unit-revival" and unit.status != UnitStatus.IDLE:
                code = "working-capital"
            age = int(rng.triangular(1, 365, 45))  # more cases lately: the HQ has become known
            plan = self._case(unit, code, age, manager_unit=False)
            roll = rng.random()
            fate = "reject" if roll < REJECT_SHARE else "merge" if roll < REJECT_SHARE + MERGE_SHARE else "normal"
            self._live(plan, fate=fate)
            if plan.case.state == S.MERGED:
                merged_at = plan.events[-1].at
                targets = [
                    index
                    for index, other in enumerate(self.plans)
                    if other.case.unit_id == unit.pk or other.case.category.code == code
                    if other is not plan and self._state_at(other, merged_at) in OPEN_STATES
                ]
                if targets:
                    plan.merge_into = rng.choice(targets)
                else:  # nothing to merge into: the expert rejects it as a duplicate of a closed case
                    plan.events[-1].action, plan.events[-1].to_state = "reject", S.REJECTED
                    plan.case.state = S.REJECTED
            self.plans.append(plan)
        return self._write()

    @staticmethod
    def _state_at(plan: _Plan, moment: dt.datetime) -> str:
        """The case's state at ``moment`` ('' before it was filed)."""
        state = ""
        for event in plan.events:
            if event.at > moment:
                break
            state = event.to_state
        return state

    def _scripts(self, showcase: list[Unit], others: list[Unit]) -> list[_Script]:
        scripts: list[_Script] = []
        if showcase:
            first, second = showcase[0], showcase[-1]
            scripts += [
                _Script(first, "working-capital", 150, S.CLOSED),
                _Script(second, "bank-guarantee", 6, S.REFERRED),
                _Script(second, "gas-supply", 2, S.SUBMITTED),
            ]
        picks = self.rng.sample(others, min(5, len(others)))
        codes = ("bank-guarantee", "working-capital", "bank-debt-rescheduling", "working-capital", "bank-guarantee")
        ages = (25, 4, 8, 12, 3)  # the first is overdue (10 working days from 25 days ago)
        for unit, code, age in zip(picks, codes, ages, strict=False):
            scripts.append(_Script(unit, code, age, S.REFERRED))
        return scripts

    def _write(self) -> DemoCasesSummary:
        cases = [plan.case for plan in self.plans]
        for case in cases:
            case.normalise()  # what Case.save() would do
        Case.objects.bulk_create(cases, batch_size=500)
        if any(case.pk is None for case in cases):  # databases that do not return the keys
            ids = list(demo_cases(province=self.province).order_by("pk").values_list("pk", flat=True))
            for case, pk in zip(cases, ids[-len(cases) :], strict=True):
                case.pk = pk
        merged = []
        for plan in self.plans:
            if plan.merge_into is not None and plan.case.state == S.MERGED:
                target = self.plans[plan.merge_into]
                plan.case.merged_into = target.case
                plan.events[-1].data = {"into": target.case.pk}
                merged.append(plan.case)
                state = self._state_at(target, plan.events[-1].at)
                target.events.append(
                    self._event(
                        "merged_in",
                        state,
                        state,
                        self.expert,
                        plan.events[-1].at,
                        comment=f"پرونده {plan.case.reference} در این پرونده ادغام شد.",
                        data={"from": plan.case.pk},
                    )
                )
        Case.objects.bulk_update(merged, ["merged_into"])
        liaisons = {
            u.organisation_id: u
            for u in User.objects.filter(role=Role.AGENCY_LIAISON, organisation__province=self.province).order_by("pk")
        }
        referrals: list[Referral] = []
        events: list[CaseEvent] = []
        for plan in self.plans:
            for referral in plan.referrals:
                referral.case = plan.case
                if referral.state == ReferralState.ANSWERED:
                    referral.answered_by = liaisons.get(referral.agency_id) or self.expert
                referrals.append(referral)
            for event in plan.events:
                event.case = plan.case
                if event.data.pop("liaison", False):  # answered by letter when the agency has no liaison
                    event.by = liaisons.get(event.data["agency"]) or self.expert
                events.append(event)
            if plan.case.state == S.RESOLVED or plan.case.state == S.CLOSED:
                for referral in plan.referrals:
                    if referral.state == ReferralState.OPEN:
                        referral.state = ReferralState.WITHDRAWN
        Referral.objects.bulk_create(referrals, batch_size=500)
        CaseEvent.objects.bulk_create(events, batch_size=1000)
        states: dict[str, int] = {}
        for case in cases:
            states[case.state] = states.get(case.state, 0) + 1
        return DemoCasesSummary(cases=len(cases), referrals=len(referrals), events=len(events), states=states)


def demo_cases_build(*, province: Province, seed: int, today: dt.date, count: int | None = None) -> DemoCasesSummary:
    """Build the demo cases of a province's demo units; nothing if they already have cases or no expert exists."""
    if demo_cases(province=province).exists():
        return DemoCasesSummary()
    builder = _Builder(province=province, seed=seed, today=today, count=count)
    with transaction.atomic():
        return builder.build()
