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
with the answers normalised as ``Referral.save()`` would.

The HQ: about one meeting a month over the year on a Saturday-to-Wednesday working day, numbered so
that the latest held one is 15 (the 13th among them), and the next one planned with the cases still
waiting on its agenda. A meeting's agenda is the secretariat's report plus the cases escalated at
least two days before it (and a few answered cases the expert brings because the answer did not
help, whose later history is then undone). Most agenda cases get a resolution (some are deferred once):
it binds the agency that was referred to (and sometimes the unit's company) with deadlines 2-8 weeks
on, and the case moves on_agenda → decided by the demo ``deputy``. Of the resolutions whose
deadlines have passed about 70% were carried out on time, the rest late or not yet; when every side
has done its part the expert records the outcome as above. Agencies with a demo liaison object to a
few resolutions within ``ROWNAQ_OBJECTION_DAYS``. A register of eight disruptive regulations links the
cases they block. ``demo_cases_reset`` removes all of it before the cases.
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
from django.db.models import Q, QuerySet

from rownaq.accounts.models import AgencyCode, Organisation, Role, User
from rownaq.core.jalali import format_jalali
from rownaq.core.normalise import normalise_text
from rownaq.geography.models import Province
from rownaq.hq.models import (
    AgendaItem,
    Commitment,
    DisruptiveRegulation,
    Meeting,
    MeetingState,
    NationalStatus,
    Objection,
    ObjectionState,
    Party,
    RegulationKind,
    Resolution,
)
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
from rownaq.registry.demo.generator import DEMO_USERNAMES, demo_units
from rownaq.registry.models import Unit, UnitStatus
from rownaq.workdays.models import Holiday
from rownaq.workdays.services import add_working_days, is_working_day

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

# -- the HQ ----------------------------------------------------------------------------------------

LAST_HELD_MEETING = 15  # the latest held meeting's number: a year of monthly meetings ends in the teens
MEETING_GAP = (27, 34)  # days between meetings
AGENDA_LEAD_DAYS = 2  # the secretariat closes the agenda this many days before the meeting
BROUGHT_PER_MEETING = (1, 4)  # answered cases the expert brings to a meeting because the answer did not help
BRING_NOTE = "پاسخ دستگاه مشکل واحد را حل نکرد؛ پرونده برای تصمیم‌گیری در ستاد مطرح شد."
DEFER_SHARE = 0.15  # agenda cases left to the next meeting (once at most)
UNIT_SIDE_SHARE = 0.45  # resolutions that also bind the unit's company, where the text has a unit's part
FATES = (("on_time", 0.70), ("late", 0.18), ("open", 0.12))  # resolutions whose deadlines have passed
RECENT_DONE_SHARE = 0.35  # commitments of recent resolutions already carried out
OBJECTION_SHARE = 0.35  # of resolutions binding an agency with a demo liaison
UPHELD_SHARE = 0.3
CHAIR = "معاون هماهنگی امور اقتصادی استاندار"
REPORT_ITEM = "گزارش دبیرخانه از اجرای مصوبات جلسه قبل"
REGULATIONS_ITEM = "بررسی قوانین و بخشنامه‌های مزاحم تولید: {title}"
NATIONAL_HQ = "ستاد ملی تسهیل و رفع موانع تولید"

# What the HQ resolves for a kind of obstacle: the agency's part ({agency}) and, if any, the unit's part.
RESOLUTION_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "working-capital": (
        (
            "{agency} پرونده تسهیلات سرمایه در گردش واحد را ظرف دو هفته در کمیته اعتباری مطرح و تعیین تکلیف کند",
            "واحد صورت‌های مالی حسابرسی‌شده و سند وثیقه را به شعبه ارائه کند",
        ),
        ("{agency} تسهیلات سرمایه در گردش واحد را با پذیرش ماشین‌آلات به عنوان وثیقه پرداخت کند", ""),
    ),
    "bank-guarantee": (
        (
            "{agency} ضمانت‌نامه واحد را به مدت شش ماه با تودیع ۱۰٪ وجه نقد تمدید کند",
            "واحد ۱۰٪ مبلغ ضمانت‌نامه را ظرف یک هفته نزد بانک تودیع کند",
        ),
    ),
    "bank-debt-rescheduling": (
        (
            "{agency} بدهی معوق واحد را به مدت ۱۲ ماه استمهال کند",
            "واحد ۲۰٪ بدهی معوق را ظرف یک ماه بپردازد",
        ),
        ("{agency} جرائم تأخیر بدهی واحد را بخشوده و اصل آن را ۳۶ ماهه تقسیط کند", "واحد قسط اول را بپردازد"),
    ),
    "investment-facility": (
        (
            "{agency} پرداخت تسهیلات طرح توسعه واحد را ظرف یک ماه نهایی کند",
            "واحد گزارش پیشرفت فیزیکی طرح را به تأیید سازمان صنعت، معدن و تجارت برساند",
        ),
    ),
    "currency-allocation": (("{agency} ثبت سفارش مواد اولیه واحد را در اولویت تخصیص ارز قرار دهد", ""),),
    "customs-clearance": (
        (
            "{agency} محموله مواد اولیه واحد را با اخذ تعهد ارائه مدارک ترخیص کند",
            "واحد مدارک ناقص را ظرف یک ماه به گمرک ارائه کند",
        ),
    ),
    "insurance-debt": (
        (
            "{agency} انسداد حساب‌های واحد را رفع و بدهی حق بیمه را ۲۴ ماهه تقسیط کند",
            "واحد قسط اول بدهی را ظرف دو هفته بپردازد",
        ),
    ),
    "tax-assessment": (
        ("{agency} جرائم مالیاتی واحد را بخشوده و اعتراض آن را خارج از نوبت در هیئت حل اختلاف رسیدگی کند", ""),
        (
            "{agency} عملیات اجرایی وصول مالیات واحد را تا صدور رأی هیئت حل اختلاف متوقف کند",
            "واحد دفاتر قانونی سال مورد اختلاف را به اداره مالیاتی ارائه کند",
        ),
    ),
    "vat-refund": (("{agency} مالیات بر ارزش افزوده صادرات واحد را ظرف یک ماه مسترد کند", ""),),
    "power-cuts": (
        (
            "{agency} واحد را در فهرست صنایع با اولویت تأمین برق قرار دهد و محدودیت آن را به ساعات شب منتقل کند",
            "واحد برنامه جابه‌جایی بار را به شرکت توزیع برق ارائه کند",
        ),
    ),
    "power-connection": (
        (
            "{agency} قدرت انشعاب برق واحد را با تقسیط هزینه انشعاب افزایش دهد",
            "واحد قسط اول هزینه انشعاب را بپردازد",
        ),
    ),
    "gas-supply": (
        (
            "{agency} قطع گاز واحد را تا تعیین تکلیف بدهی متوقف کند",
            "واحد بدهی گاز را طبق توافق با شرکت گاز تقسیط و قسط اول را بپردازد",
        ),
    ),
    "water-supply": (("{agency} انشعاب آب صنعتی واحد را از محل سهمیه شهرک واگذار کند", ""),),
    "environment-permit": (
        (
            "{agency} پاسخ استعلام محیط زیست واحد را ظرف ۱۰ روز کاری صادر کند",
            "واحد سیستم غبارگیر کوره را ظرف سه ماه نصب کند",
        ),
    ),
    "standards-mark": (("{agency} بازرسی نهایی و صدور پروانه نشان استاندارد واحد را ظرف دو هفته انجام دهد", ""),),
    "operating-licence": (("{agency} پروانه بهره‌برداری واحد را با پاسخ استعلام‌های موجود تمدید کند", ""),),
    "estate-land": (("{agency} سند تفکیکی زمین واحد را ظرف یک ماه صادر کند", ""),),
    "building-permit": (("{agency} پرونده پروانه ساختمانی واحد را در نخستین جلسه کمیسیون ماده ۵ مطرح کند", ""),),
    "municipality-duties": (
        ("{agency} عوارض واحد را ۱۸ ماهه تقسیط و جرائم آن را بخشوده کند", "واحد قسط اول عوارض را بپردازد"),
    ),
    "raw-materials": (("{agency} سهمیه مواد اولیه واحد را در سامانه بهین‌یاب اصلاح کند", ""),),
    "disruptive-regulations": (
        ("{agency} تا اصلاح بخشنامه، استعلام محموله‌های صادراتی واحد را یک‌جا برای هر قرارداد انجام دهد", ""),
    ),
    "idle-unit-revival": (
        ("{agency} پرونده تسهیلات احیای واحد را خارج از نوبت بررسی کند", "واحد طرح توجیهی به‌روز را ارائه کند"),
    ),
    "smuggling": (("{agency} بازرسی از عرضه کالای قاچاق مشابه محصول واحد را ظرف یک ماه انجام دهد", ""),),
    "courts": (
        (
            "{agency} با جایگزینی وثیقه ملکی به جای ماشین‌آلات توقیف‌شده مساعدت کند",
            "واحد سند وثیقه جایگزین را ارائه کند",
        ),
    ),
    "labour-disputes": (("{agency} پرونده واحد را خارج از نوبت در هیئت تجدیدنظر مطرح کند", ""),),
}
GENERIC_RESOLUTION = ("{agency} ظرف یک ماه موضوع را رسیدگی و نتیجه را به دبیرخانه ستاد گزارش کند", "")
DEFER_NOTE = "بررسی پرونده به جلسه بعد موکول شد؛ دستگاه گزارش تکمیلی ارائه کند."
AGENCY_DONE_NOTES = (
    "نامه اجرای مصوبه از {agency} به دبیرخانه ستاد رسید.",
    "اجرای مصوبه در بازدید کارشناس سازمان صنعت، معدن و تجارت تأیید شد.",
    "{agency} گزارش اقدام را در سامانه ثبت کرد.",
)
UNIT_DONE_NOTES = ("واحد رسید پرداخت را به دبیرخانه ستاد ارائه کرد.", "مدارک خواسته‌شده از واحد دریافت شد.")
OBJECTION_TEXTS = (
    "اجرای این مصوبه با ضوابط ابلاغی ستاد مرکزی مغایرت دارد و اختیار آن با استان نیست.",
    "مهلت تعیین‌شده برای اجرای مصوبه کافی نیست؛ درخواست تمدید مهلت داریم.",
    "واحد تعهدات قبلی خود را انجام نداده و اجرای مصوبه پیش از آن ممکن نیست.",
)
UPHELD_NOTE = "اعتراض وارد دانسته شد؛ مهلت اجرای تعهد دستگاه یک ماه تمدید شد."
DISMISSED_NOTES = (
    "اعتراض وارد نیست؛ مصوبه در اختیار ستاد استان است و باید اجرا شود.",
    "اعتراض رد شد؛ دستگاه مصوبه را در مهلت تعیین‌شده اجرا کند.",
)


@dataclass(frozen=True)
class _Regulation:
    title: str
    kind: str
    article: str
    issuing_body: str
    codes: tuple[str, ...]  # the kinds of obstacle it causes
    problem: str
    proposal: str


REGULATIONS: tuple[_Regulation, ...] = (
    _Regulation(
        "بخشنامه الزام به ارائه ضمانت‌نامه بانکی برای تمدید پروانه بهره‌برداری",
        RegulationKind.CIRCULAR,
        "بند تضامین دستورالعمل تمدید پروانه",
        "وزارت صنعت، معدن و تجارت",
        ("operating-licence", "bank-guarantee"),
        "واحدهای دارای بدهی معوق بانکی ضمانت‌نامه نمی‌گیرند و بدون آن پروانه بهره‌برداری‌شان تمدید نمی‌شود؛ "
        "بدون پروانه معتبر، تسهیلات و سهمیه مواد اولیه هم قطع می‌شود.",
        "حذف الزام ضمانت‌نامه برای تمدید پروانه واحدهای فعال و جایگزینی آن با تعهدنامه محضری.",
    ),
    _Regulation(
        "الزام به استعلام جداگانه برای هر محموله صادراتی",
        RegulationKind.CIRCULAR,
        "",
        "گمرک جمهوری اسلامی ایران",
        ("disruptive-regulations", "customs-clearance"),
        "هر محموله صادراتی استعلام تازه‌ای می‌خواهد که ماه‌ها طول می‌کشد و قراردادهای صادراتی واحدها از دست می‌رود.",
        "یک استعلام برای هر قرارداد صادراتی با اعتبار شش‌ماهه کافی باشد.",
    ),
    _Regulation(
        "انسداد همه حساب‌های بانکی واحد بابت بدهی حق بیمه",
        RegulationKind.PRACTICE,
        "",
        "سازمان تأمین اجتماعی",
        ("insurance-debt",),
        "با انسداد همه حساب‌ها، حتی حساب پرداخت حقوق کارکنان، واحد نمی‌تواند تولید کند و بدهی بیمه هم پرداخت نمی‌شود.",
        "انسداد فقط به میزان بدهی باشد و حساب حقوق کارکنان از انسداد معاف شود.",
    ),
    _Regulation(
        "تعیین مالیات علی‌الرأس برای واحدهای زیان‌ده بدون رسیدگی به دفاتر",
        RegulationKind.PRACTICE,
        "",
        "سازمان امور مالیاتی کشور",
        ("tax-assessment", "vat-refund"),
        "برای واحدهای زیان‌ده و راکد مالیات علی‌الرأس سنگین تعیین می‌شود و جرائم آن احیای واحد را ناممکن می‌کند.",
        "رسیدگی به دفاتر قانونی واحدهای تولیدی پیش از صدور برگ تشخیص و بخشودگی جرائم واحدهای راکد.",
    ),
    _Regulation(
        "الزام به استعلام دوباره محیط زیست برای هر بار تمدید پروانه بهره‌برداری",
        RegulationKind.CIRCULAR,
        "بند استعلام‌های دستورالعمل صدور و تمدید پروانه",
        "سازمان حفاظت محیط زیست",
        ("environment-permit", "operating-licence"),
        "واحدی که تغییری در فرایند تولید نداده برای هر تمدید پروانه دوباره استعلام می‌دهد و ماه‌ها منتظر پاسخ می‌ماند.",
        "استعلام محیط زیست فقط هنگام تغییر ظرفیت یا فرایند لازم باشد؛ سکوت بیش از ۱۵ روز به معنای موافقت باشد.",
    ),
    _Regulation(
        "نپذیرفتن ماشین‌آلات و زمین واحدهای شهرک‌ها به عنوان وثیقه تسهیلات",
        RegulationKind.PRACTICE,
        "",
        "شبکه بانکی (دستورالعمل داخلی وثایق)",
        ("working-capital", "investment-facility", "estate-land"),
        "بانک‌ها فقط وثیقه ملکی شهری می‌پذیرند و واحدهای شهرک‌ها با وجود دارایی کافی تسهیلات نمی‌گیرند.",
        "پذیرش ماشین‌آلات و زمین دارای سند واحدهای تولیدی به عنوان وثیقه با ارزیابی کارشناس رسمی.",
    ),
    _Regulation(
        "اعمال محدودیت گاز صنایع بدون توجه به قرارداد تأمین پایدار واحد",
        RegulationKind.PRACTICE,
        "",
        "شرکت ملی گاز ایران",
        ("gas-supply", "power-cuts"),
        "در موج سرما گاز همه واحدها یکسان قطع می‌شود، حتی واحدهایی که قرارداد تأمین پایدار و سوخت جایگزین ندارند.",
        "اعلام برنامه محدودیت دست‌کم یک هفته پیش از اجرا و اولویت واحدهای دارای قرارداد تأمین پایدار.",
    ),
    _Regulation(
        "مطالبه عوارض نوسازی از واحدهای تولیدی هم‌تراز واحدهای تجاری",
        RegulationKind.BYLAW,
        "",
        "شورای اسلامی شهر (دفترچه عوارض محلی)",
        ("municipality-duties", "building-permit"),
        "عوارض واحدهای تولیدی داخل حریم شهر به نرخ واحدهای تجاری محاسبه می‌شود و از توان پرداخت آن‌ها بیشتر است.",
        "تعرفه جداگانه و کمتر برای واحدهای تولیدی در دفترچه عوارض سال بعد.",
    ),
)
REGULATION_STATUSES = (
    NationalStatus.IDENTIFIED,
    NationalStatus.PROPOSED,
    NationalStatus.SENT,
    NationalStatus.SENT,
    NationalStatus.UNDER_REVIEW,
    NationalStatus.UNDER_REVIEW,
    NationalStatus.AMENDED,
    NationalStatus.IDENTIFIED,
)


@dataclass
class _Plan:
    case: Case
    referrals: list[Referral] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)
    merge_into: int | None = None  # index of another plan
    scripted: bool = False


@dataclass
class DemoCasesSummary:
    cases: int = 0
    referrals: int = 0
    events: int = 0
    states: dict[str, int] = field(default_factory=dict)
    meetings: int = 0
    resolutions: int = 0
    commitments: int = 0
    objections: int = 0
    regulations: int = 0


@dataclass(frozen=True)
class _Script:
    """A case whose fate is fixed: for the demo logins."""

    unit: Unit
    category: str
    age: int  # days since filing
    stop: str  # the state to stop at
    days: int = 10
    bank: str = MELLAT


@dataclass
class _ResolutionPlan:
    plan: _Plan
    number: int
    text: str
    decided_at: dt.datetime
    commitments: list[Commitment] = field(default_factory=list)  # the agency's first
    objections: list[Objection] = field(default_factory=list)


@dataclass
class _MeetingPlan:
    number: int
    held_on: dt.date
    held: bool
    cases: list[_Plan] = field(default_factory=list)  # the agenda's cases
    extra: list[str] = field(default_factory=list)  # free items after the cases
    resolutions: list[_ResolutionPlan] = field(default_factory=list)


@dataclass
class _RegulationPlan:
    regulation: _Regulation
    status: str
    proposal: str
    sent_on: dt.date | None
    cases: list[_Plan]


def demo_cases(*, province: Province) -> QuerySet[Case]:
    return Case.objects.filter(unit__in=demo_units(province=province).values("pk"))


@transaction.atomic
def demo_cases_reset(*, province: Province) -> int:
    """Delete the demo units' cases with their referrals and history; returns how many cases."""
    cases = demo_cases(province=province)
    count = cases.count()
    case_ids = cases.values("pk")
    meetings = Meeting.objects.filter(province=province).filter(
        Q(created_by__username__in=DEMO_USERNAMES) | Q(agenda__case__in=case_ids) | Q(resolutions__case__in=case_ids)
    )
    meeting_ids = list(meetings.values_list("pk", flat=True).distinct())
    # Resolutions protect their meetings and cases; commitments and objections go with them.
    Resolution.objects.filter(Q(meeting__in=meeting_ids) | Q(case__in=case_ids)).delete()
    AgendaItem.objects.filter(case__in=case_ids).delete()
    Meeting.objects.filter(pk__in=meeting_ids).delete()
    DisruptiveRegulation.objects.filter(province=province, created_by__username__in=DEMO_USERNAMES).delete()
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
        self.liaisons = {
            u.organisation_id: u
            for u in User.objects.filter(role=Role.AGENCY_LIAISON, organisation__province=province).order_by("pk")
        }
        self.meetings: list[_MeetingPlan] = []
        self.regulations: list[_RegulationPlan] = []

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
        self._resolve(plan, resolved_at, stop)

    def _resolve(self, plan: _Plan, resolved_at: dt.datetime, stop: str | None = None) -> None:
        """The expert records the outcome; the unit confirms it a few days later (most of the time)."""
        rng, case = self.rng, plan.case
        story = STORIES[case.category.code]
        note = normalise_text(rng.choice(story.outcome_notes))
        self._move(plan, "resolve", S.RESOLVED, self.expert, resolved_at, comment=note)
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

    # -- the HQ: meetings, resolutions, commitments, objections ---------------------------------------

    def _working_day(self, day: dt.date, *, back: bool = False, floor: dt.date | None = None) -> dt.date:
        """``day`` or the nearest working day after it (before it with ``back``, but not before ``floor``)."""
        step = dt.timedelta(days=-1 if back else 1)
        while not is_working_day(day, self.holidays) and (floor is None or day + step >= floor):
            day += step
        return day

    def _meeting_day(self, day: dt.date) -> dt.date:
        """The HQ meets on a working day from Saturday to Wednesday (Thursdays are half days)."""
        while not is_working_day(day, self.holidays) or day.weekday() == 3:
            day += dt.timedelta(days=1)
        return day

    def _plan_hq(self) -> None:
        """About one meeting a month over the year; each takes up the cases waiting on the HQ agenda."""
        rng, today = self.rng, self.today
        days: list[dt.date] = []
        day = self._meeting_day(today - dt.timedelta(days=365 - rng.randint(8, 20)))
        while day < today:
            days.append(day)
            day = self._meeting_day(day + dt.timedelta(days=rng.randint(*MEETING_GAP)))
        upcoming = self._meeting_day(max(day, today + dt.timedelta(days=3)))
        last = max(LAST_HELD_MEETING, len(days))
        self.meetings = [_MeetingPlan(last - len(days) + 1 + i, held_on, True) for i, held_on in enumerate(days)]
        self.meetings.append(_MeetingPlan(last + 1, upcoming, False))
        arrivals = sorted(
            (plan.events[-1].at, index)
            for index, plan in enumerate(self.plans)
            if plan.case.state == S.ON_AGENDA and not plan.scripted
        )
        waiting: list[int] = []
        deferred: set[int] = set()
        position = 0
        for meeting in self.meetings[:-1]:
            cutoff = meeting.held_on - dt.timedelta(days=AGENDA_LEAD_DAYS)
            while position < len(arrivals) and arrivals[position][0].astimezone(self.tz).date() <= cutoff:
                waiting.append(arrivals[position][1])
                position += 1
            brought = self._bring(cutoff)
            deferred.update(brought)  # the expert brings these for a decision: they are not deferred
            waiting += brought
            meeting.cases = [self.plans[index] for index in waiting]
            still: list[int] = []
            for index in waiting:
                if index not in deferred and rng.random() < DEFER_SHARE:
                    deferred.add(index)
                    still.append(index)
                else:
                    self._decide(meeting, self.plans[index])
            waiting = still
        # The next meeting's agenda: every case still waiting, in the order it reached the HQ.
        self.meetings[-1].cases = sorted(
            (plan for plan in self.plans if plan.case.state == S.ON_AGENDA), key=lambda plan: plan.events[-1].at
        )
        self._carry_out()
        self._plan_regulations()

    def _bring(self, cutoff: dt.date) -> list[int]:
        """Answered cases whose answer did not solve the problem: the expert puts them on the HQ agenda."""
        rng = self.rng
        moment = dt.datetime.combine(cutoff, dt.time(9, rng.randrange(60)), tzinfo=self.tz)
        candidates = [
            index
            for index, plan in enumerate(self.plans)
            if not plan.scripted and self._state_at(plan, moment) == S.ANSWERED
        ]
        chosen = sorted(rng.sample(candidates, min(len(candidates), rng.randint(*BROUGHT_PER_MEETING))))
        for index in chosen:
            plan, case = self.plans[index], self.plans[index].case
            plan.events = [event for event in plan.events if event.at <= moment]  # what came after is undone
            case.state, case.version = S.ANSWERED, len(plan.events)
            case.outcome_kind, case.outcome_note, case.money_released = "", "", None
            case.unit_confirmed_at = case.closed_at = None
            self._move(plan, "put_on_agenda", S.ON_AGENDA, self.expert, moment, comment=BRING_NOTE)
        return chosen

    def _decide(self, meeting: _MeetingPlan, plan: _Plan) -> None:
        """The meeting resolves the case: the agency that did not answer is bound, and sometimes the unit."""
        rng, case, held = self.rng, plan.case, meeting.held_on
        agency = next((r.agency for r in plan.referrals if r.escalated_at is not None), plan.referrals[0].agency)
        agency_text, unit_text = rng.choice(RESOLUTION_TEXTS.get(case.category.code, (GENERIC_RESOLUTION,)))
        name = agency.name.split("،")[0] if agency.agency_code == AgencyCode.BANK else agency.name
        agency_part = normalise_text(agency_text.format(agency=name))
        company = case.unit.owner_id
        bind_unit = bool(unit_text) and company is not None and rng.random() < UNIT_SIDE_SHARE
        text = normalise_text(agency_part + (f" و {unit_text}" if bind_unit else "") + ".")
        decided_at = dt.datetime.combine(held, dt.time(rng.randint(11, 13), rng.randrange(60)), tzinfo=self.tz)
        resolution = _ResolutionPlan(plan=plan, number=len(meeting.resolutions) + 1, text=text, decided_at=decided_at)
        resolution.commitments.append(
            Commitment(party=Party.AGENCY, owner=agency, text=f"{agency_part}.", deadline=self._deadline(held))
        )
        if bind_unit and company is not None:
            resolution.commitments.append(
                Commitment(
                    party=Party.UNIT,
                    owner_id=company,
                    text=normalise_text(f"{unit_text}."),
                    deadline=self._deadline(held),
                )
            )
        meeting.resolutions.append(resolution)
        comment = f"مصوبه {meeting.number}/{resolution.number}: {text}"
        self._move(plan, "decide", S.DECIDED, self.deputy or self.expert, decided_at, comment=comment)
        liaison = self.liaisons.get(agency.pk)
        if liaison is not None and rng.random() < OBJECTION_SHARE:
            self._object(resolution, held, agency, liaison)

    def _deadline(self, held: dt.date) -> dt.date:
        return self._working_day(held + dt.timedelta(days=self.rng.randint(14, 56)))

    def _object(self, resolution: _ResolutionPlan, held: dt.date, agency: Organisation, liaison: User) -> None:
        """The bound agency objects within the window; most objections are dismissed."""
        rng = self.rng
        until = held + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS)
        day = self._working_day(held + dt.timedelta(days=rng.randint(1, settings.ROWNAQ_OBJECTION_DAYS)))
        if day > until or day >= self.today:
            return
        objection = Objection(
            agency=agency,
            text=normalise_text(rng.choice(OBJECTION_TEXTS)),
            filed_by=liaison,
            filed_at=self._at(day),
            state=ObjectionState.PENDING,
        )
        if (self.today - day).days >= 7:
            if rng.random() < UPHELD_SHARE:
                objection.state, objection.decision_note = ObjectionState.UPHELD, normalise_text(UPHELD_NOTE)
                agency_side = resolution.commitments[0]
                agency_side.deadline = self._working_day(agency_side.deadline + dt.timedelta(days=30))
            else:
                objection.state = ObjectionState.DISMISSED
                objection.decision_note = normalise_text(rng.choice(DISMISSED_NOTES))
        resolution.objections.append(objection)

    def _carry_out(self) -> None:
        """About 70% of the resolutions whose time is up were carried out on time; the rest late or not yet."""
        rng, today = self.rng, self.today
        resolutions = [r for meeting in self.meetings for r in meeting.resolutions]
        due = [r for r in resolutions if max(c.deadline for c in r.commitments) < today]
        fates: list[str] = []
        for fate, share in FATES[:-1]:
            fates += [fate] * round(share * len(due))
        fates += [FATES[-1][0]] * (len(due) - len(fates))
        rng.shuffle(fates)
        for resolution, fate in zip(due, fates, strict=True):
            self._execute(resolution, fate)
        for resolution in resolutions:
            if max(c.deadline for c in resolution.commitments) >= today:
                self._execute(resolution, "recent")

    def _execute(self, resolution: _ResolutionPlan, fate: str) -> None:
        rng, today = self.rng, self.today
        held = resolution.decided_at.astimezone(self.tz).date()
        commitments = resolution.commitments
        slow = commitments[-1] if len(commitments) > 1 and rng.random() < 0.3 else commitments[0]
        for commitment in commitments:
            last_day = min(commitment.deadline, today - dt.timedelta(days=1))
            if fate in ("late", "open") and commitment is slow:
                if fate == "open":
                    continue
                day = self._working_day(commitment.deadline + dt.timedelta(days=rng.randint(3, 45)))
            else:
                share = 0.85 if commitment.deadline < today else RECENT_DONE_SHARE
                if (fate == "recent" and rng.random() > share) or (last_day - held).days < 2:
                    continue
                day = held + dt.timedelta(days=rng.randint(2, (last_day - held).days))
                day = self._working_day(day, back=True, floor=held + dt.timedelta(days=1))
            if day >= today:
                continue
            commitment.done_on = day
            if commitment.party == Party.AGENCY:
                agency = commitment.owner
                commitment.done_note = normalise_text(rng.choice(AGENCY_DONE_NOTES).format(agency=agency.name))
                commitment.done_by = self.liaisons.get(agency.pk) or self.expert
            else:
                commitment.done_note = normalise_text(rng.choice(UNIT_DONE_NOTES))
                own = self.manager is not None and self.manager.organisation_id == commitment.owner_id
                commitment.done_by = self.manager if own else self.expert
        done = [c.done_on for c in commitments if c.done_on is not None]
        if len(done) == len(commitments):  # every side did its part: the expert records the outcome
            resolved_at = self._after(self._at(max(done)), 1, 5)
            if self._happened(resolved_at):
                self._resolve(resolution.plan, resolved_at)

    def _plan_regulations(self) -> None:
        """The register of disruptive regulations, each with the cases it blocks and its national status."""
        rng, today = self.rng, self.today
        held = [meeting for meeting in self.meetings if meeting.held]
        statuses = list(REGULATION_STATUSES)
        rng.shuffle(statuses)
        for regulation, status in zip(REGULATIONS, statuses, strict=True):
            matching = [
                plan
                for plan in self.plans
                if plan.case.category.code in regulation.codes and plan.case.state not in (S.REJECTED, S.MERGED)
            ]
            to_hq = [plan for plan in matching if any(e.action == "put_on_agenda" for e in plan.events)]
            blocked = (to_hq + [plan for plan in matching if plan not in to_hq])[: rng.randint(2, 5)]
            meeting: _MeetingPlan | None = None
            sent_on: dt.date | None = None
            if status != NationalStatus.IDENTIFIED and held:
                if status == NationalStatus.PROPOSED:
                    meeting = rng.choice(held[-3:])
                else:
                    meeting = rng.choice(held[: max(1, len(held) * 2 // 3)])
                    sent_on = self._working_day(meeting.held_on + dt.timedelta(days=rng.randint(5, 15)))
                    if sent_on >= today:
                        status, sent_on = NationalStatus.PROPOSED, None
                meeting.extra.append(REGULATIONS_ITEM.format(title=regulation.title))
            elif status != NationalStatus.IDENTIFIED:
                status = NationalStatus.IDENTIFIED
            proposal = regulation.proposal
            if meeting is not None:
                proposal = f"{proposal} (مصوب جلسه {meeting.number} ستاد)"
            self.regulations.append(_RegulationPlan(regulation, str(status), proposal, sent_on, blocked))

    def _attendees(self, meeting: _MeetingPlan) -> str:
        province = self.province.name
        lines = [f"رئیس {org.name} (دبیر ستاد)" for org in self.agencies.get(AgencyCode.SMT, [])[:1]]
        agencies: list[Organisation] = []
        for plan in meeting.cases:
            for referral in plan.referrals:
                if referral.agency not in agencies:
                    agencies.append(referral.agency)
        for code in (AgencyCode.TAX, AgencyCode.SOCIAL_SECURITY):
            for org in self.agencies.get(code, [])[:1]:
                if org not in agencies:
                    agencies.append(org)
        lines += [f"نماینده {org.name}" for org in agencies]
        lines += [
            f"دبیر شورای هماهنگی بانک‌های استان {province}",
            f"رئیس اتاق بازرگانی، صنایع، معادن و کشاورزی {province}",
        ]
        return "\n".join(normalise_text(line) for line in lines)

    def _write_hq(self, summary: DemoCasesSummary) -> None:
        if not self.meetings:
            return
        by = self.deputy or self.expert
        assert by is not None
        venue, chair = normalise_text(f"سالن جلسات استانداری {self.province.name}"), normalise_text(CHAIR)
        rows = [
            Meeting(
                province=self.province,
                number=meeting.number,
                held_on=meeting.held_on,
                venue=venue,
                chair=chair,
                attendees=self._attendees(meeting),
                state=MeetingState.HELD if meeting.held else MeetingState.PLANNED,
                created_by=by,
            )
            for meeting in self.meetings
        ]
        Meeting.objects.bulk_create(rows)
        if any(row.pk is None for row in rows):  # databases that do not return the keys
            ids = dict(Meeting.objects.filter(province=self.province).values_list("number", "pk"))
            for row in rows:
                row.pk = ids[row.number]
        items: list[AgendaItem] = []
        resolutions: list[Resolution] = []
        for row, meeting in zip(rows, self.meetings, strict=True):
            titles: list[tuple[Case | None, str]] = [(None, REPORT_ITEM)]
            titles += [(p.case, f"{p.case.reference}: {p.case.title} ({p.case.unit.name})") for p in meeting.cases]
            titles += [(None, title) for title in meeting.extra]
            for order, (case, title) in enumerate(titles, start=1):
                items.append(AgendaItem(meeting=row, order=order, case=case, title=normalise_text(title)))
            for plan in meeting.resolutions:
                resolutions.append(
                    Resolution(
                        meeting=row,
                        number=plan.number,
                        text=plan.text,
                        case=plan.plan.case,
                        objection_until=meeting.held_on + dt.timedelta(days=settings.ROWNAQ_OBJECTION_DAYS),
                    )
                )
        AgendaItem.objects.bulk_create(items, batch_size=500)
        Resolution.objects.bulk_create(resolutions, batch_size=500)
        if any(row.pk is None for row in resolutions):
            keys = {
                (meeting_id, number): pk
                for pk, meeting_id, number in Resolution.objects.filter(meeting__in=rows).values_list(
                    "pk", "meeting_id", "number"
                )
            }
            for resolution in resolutions:
                resolution.pk = keys[(resolution.meeting_id, resolution.number)]
        plans = [plan for meeting in self.meetings for plan in meeting.resolutions]
        commitments: list[Commitment] = []
        objections: list[Objection] = []
        for resolution, plan in zip(resolutions, plans, strict=True):
            for commitment in plan.commitments:
                commitment.resolution = resolution
                commitments.append(commitment)
            for objection in plan.objections:
                objection.resolution = resolution
                objections.append(objection)
        Commitment.objects.bulk_create(commitments, batch_size=500)
        Objection.objects.bulk_create(objections, batch_size=500)
        for entry in self.regulations:
            regulation = DisruptiveRegulation(
                province=self.province,
                title=entry.regulation.title,
                kind=entry.regulation.kind,
                article=entry.regulation.article,
                issuing_body=entry.regulation.issuing_body,
                problem=entry.regulation.problem,
                proposal=entry.proposal,
                national_status=entry.status,
                sent_on=entry.sent_on,
                sent_to=NATIONAL_HQ if entry.sent_on else "",
                created_by=by,
            )
            regulation.save()
            regulation.cases.set([plan.case for plan in entry.cases])
        summary.meetings, summary.resolutions = len(rows), len(resolutions)
        summary.commitments, summary.objections, summary.regulations = (
            len(commitments),
            len(objections),
            len(self.regulations),
        )

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
            plan.scripted = True
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
        self._plan_hq()
        summary = self._write()
        self._write_hq(summary)
        return summary

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
