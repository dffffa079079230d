"""Monthly reports of production units: the figures of one Jalali month, their product lines, every
submitted version, the history of the report's states, and the validation rules the admin edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rownaq.core.models import RowProgress, TransitionRecord
from rownaq.core.periods import Period

if TYPE_CHECKING:
    from rownaq.geography.places import Places


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, awaiting review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")


# The states in which a unit has reported its month (a draft is not a report yet).
REPORTED_STATES = frozenset({ReportState.SUBMITTED, ReportState.APPROVED, ReportState.RETURNED})

# The report's figures, in the order forms, the API, snapshots and the rules list them.
FIGURE_FIELDS = (
    "sales",
    "exports",
    "employees",
    "electricity_kwh",
    "gas_m3",
    "raw_material_days",
    "overdue_wage_months",
    "insurance_debt",
    "returned_cheques",
    "returned_cheques_amount",
)
MONEY_FIELDS = frozenset({"sales", "exports", "insurance_debt", "returned_cheques_amount"})


class MonthlyReportQuerySet(models.QuerySet["MonthlyReport"]):
    def in_places(self, places: Places) -> MonthlyReportQuerySet:
        return self.filter(places.q("unit__county"))

    def visible_to(self, user: Any) -> MonthlyReportQuerySet:
        from rownaq.monitoring.access import reports_visible_to

        return self & reports_visible_to(user)  # type: ignore[return-value]

    def for_period(self, period: Period) -> MonthlyReportQuerySet:
        """The reports of the months of ``period`` (a month, a season or a year)."""
        if period.kind == "month":
            return self.filter(year=period.year, month=period.number)
        first, last = (1, 12) if period.kind == "year" else (3 * period.number - 2, 3 * period.number)
        return self.filter(year=period.year, month__gte=first, month__lte=last)


class MonthlyReport(models.Model):
    """A unit's report for one Jalali month. Figures are integers (money in rials); capacity utilisation
    is derived from the product lines and never typed."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="monthly_reports"
    )
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    # Figures may be typed negative: the validation rules (not the database) refuse them, with a message.
    sales = models.BigIntegerField(_("sales (rials)"), default=0)
    exports = models.BigIntegerField(_("exports (rials)"), default=0)
    employees = models.IntegerField(_("employees"), default=0)
    electricity_kwh = models.BigIntegerField(_("electricity use (kWh)"), default=0)
    gas_m3 = models.BigIntegerField(_("gas use (m³)"), default=0)
    raw_material_days = models.IntegerField(_("days of raw-material stock"), default=0)
    overdue_wage_months = models.IntegerField(_("overdue wages (months)"), default=0)
    insurance_debt = models.BigIntegerField(_("insurance debt (rials)"), default=0)
    returned_cheques = models.IntegerField(_("returned cheques (count)"), default=0)
    returned_cheques_amount = models.BigIntegerField(_("returned cheques (rials)"), default=0)
    utilisation = models.DecimalField(
        _("capacity utilisation (%)"), max_digits=8, decimal_places=1, null=True, blank=True, editable=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf = models.BooleanField(_("entered on the unit's behalf"), default=False)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    return_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-year", "-month", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "month"], name="monitoring_report_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="monitoring_report_month"),
        ]
        indexes = [
            models.Index(fields=["year", "month", "state"], name="monitoring_report_month_state"),
            # a unit's reported months, read without the table (first and last reported, counts per month)
            models.Index(
                fields=["unit", "year", "month"],
                condition=models.Q(state__in=sorted(REPORTED_STATES)),
                name="monitoring_report_reported",
            ),
            models.Index(fields=["state", "submitted_at"], name="monitoring_report_queue"),  # awaiting review
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period}"

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


class ReportLine(models.Model):
    """The month's output of one of the unit's products, in the product's measure."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "registry.Product", verbose_name=_("product"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(_("product"), max_length=200)
    measure = models.CharField(_("unit of measure"), max_length=30)
    monthly_capacity = models.DecimalField(_("nominal monthly capacity"), max_digits=16, decimal_places=2)
    quantity = models.DecimalField(_("output"), max_digits=16, decimal_places=2, default=Decimal(0))
    utilisation = models.DecimalField(
        _("capacity utilisation (%)"), max_digits=8, decimal_places=1, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["report", "product"], name="monitoring_line_one_per_product")]

    def __str__(self) -> str:
        return self.product_name


class ReportVersion(models.Model):
    """What was submitted, as it was: every submission keeps one, with who, when, the warnings shown and the
    person's explanation of them."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    figures = models.JSONField(_("figures"), default=dict)
    lines = models.JSONField(_("product lines"), default=list)
    utilisation = models.DecimalField(_("capacity utilisation (%)"), max_digits=8, decimal_places=1, null=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    explanation = models.TextField(_("explanation of the warnings"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf = models.BooleanField(_("on the unit's behalf"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report", "-number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="monitoring_version_number")]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.number}"


class ReportEvent(TransitionRecord):
    """One step of a report's history: who moved it, when, from which state to which, and why."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=ReportState.choices)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "pk"]


class Metric(models.TextChoices):
    """What a validation rule measures; the code computes each (``rownaq.monitoring.rules``)."""

    NEGATIVE = "negative", _("Number of negative figures")
    UTILISATION = "utilisation", _("Highest capacity utilisation, of a product or overall (%)")
    EMPLOYEES_CHANGE = "employees_change", _("Change of employees since the previous approved month (%, either way)")
    ENERGY_UP_OUTPUT_DOWN = "energy_up_output_down", _("Rise of energy use while output falls (%)")
    HISTORY_DISTANCE = "history_distance", _("Distance from the unit's own last 12 approved months (robust z-score)")


class Operator(models.TextChoices):
    GT = "gt", ">"
    GE = "ge", "≥"
    LT = "lt", "<"
    LE = "le", "≤"


class Severity(models.TextChoices):
    ERROR = "error", _("Error: the report is refused")
    WARNING = "warning", _("Warning: the person confirms or explains")


class ValidationRule(models.Model):
    """A check of a report the admin edits: a metric, an operator and a threshold; when it holds, the message
    is shown (``{value}`` and ``{threshold}`` in the message are replaced by the figures)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, default=Operator.GT)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=2, default=Decimal(0))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.WARNING)
    message = models.CharField(
        _("message"), max_length=300, help_text=_("Shown to the person; {value} and {threshold} are replaced.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["severity", "code"]

    def __str__(self) -> str:
        return self.code


class Reminder(models.Model):
    """A reminder sent to a unit's managers that its month's report is missing: once per unit and month."""

    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month"], name="monitoring_reminder_once")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}/{self.month}"


# -- the revival of idle and closed units ----------------------------------------------------------------


class RevivalCause(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital")
    MARKET = "market", _("Market")
    RAW_MATERIAL = "raw_material", _("Raw material")
    PARTNERS_DISPUTE = "partners_dispute", _("Partners' dispute")
    MANAGEMENT = "management", _("Management")
    LICENCE_OR_LAND = "licence_or_land", _("Licence or land")
    ENERGY = "energy", _("Energy")


class RevivalStage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    DIAGNOSED = "diagnosed", _("Diagnosed")
    PLAN_AGREED = "plan_agreed", _("Plan agreed")
    IN_PROGRESS = "in_progress", _("In progress")
    RESTARTED = "restarted", _("Restarted")
    ABANDONED = "abandoned", _("Abandoned")


# The stages of a case still being worked on (a unit has at most one such case).
OPEN_STAGES = frozenset(
    {RevivalStage.IDENTIFIED, RevivalStage.DIAGNOSED, RevivalStage.PLAN_AGREED, RevivalStage.IN_PROGRESS}
)


class RevivalCase(models.Model):
    """The work of bringing one idle or closed unit back into production: why it stopped, what it needs,
    the plan of steps, and, once it restarts, the jobs and the share of capacity restored."""

    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="revival_cases"
    )
    stage = models.CharField(_("stage"), max_length=12, choices=RevivalStage.choices, default=RevivalStage.IDENTIFIED)
    cause = models.CharField(_("main cause"), max_length=20, choices=RevivalCause.choices)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    # Obstacle cases cannot be linked from monitoring (it may not import obstacles): their numbers are typed.
    related_cases = models.CharField(_("related case references"), max_length=300, blank=True)
    abandon_reason = models.TextField(_("reason for abandoning"), blank=True)
    jobs_restored = models.PositiveIntegerField(_("jobs restored (employees back)"), null=True, blank=True)
    capacity_restored = models.DecimalField(
        _("capacity restored (% of nominal capacity)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    restarted_on = models.DateField(_("restarted on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("revival case")
        verbose_name_plural = _("revival cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=models.Q(stage__in=sorted(OPEN_STAGES)),
                name="monitoring_revival_one_open_per_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity_restored__isnull=True)
                | models.Q(capacity_restored__gte=0, capacity_restored__lte=100),
                name="monitoring_revival_capacity_share",
            ),
        ]
        indexes = [models.Index(fields=["stage", "restarted_on"], name="monitoring_revival_stage")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.stage}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class RevivalStep(models.Model):
    """One step of a case's plan: what, who owns it (an agency or a person, as text), by when, and whether done."""

    case = models.ForeignKey(RevivalCase, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("step"), max_length=300)
    owner = models.CharField(_("owner (agency or person)"), max_length=200)
    due = models.DateField(_("due date"))
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("revival step")
        verbose_name_plural = _("revival steps")
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return not self.done and self.due < (today or timezone.localdate())


class RevivalEvent(TransitionRecord):
    """One move of a revival case between stages: who, when, from which stage to which, and why."""

    case = models.ForeignKey(RevivalCase, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=RevivalStage.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=RevivalStage.choices)

    class Meta:
        verbose_name = _("revival case event")
        verbose_name_plural = _("revival case events")
        ordering = ["at", "pk"]


# -- signals the agencies hold ----------------------------------------------------------------------------


class SignalKind(models.TextChoices):
    """What an agency's monthly row says about a unit; ``SIGNAL_AGENCY`` says which agency sends which."""

    ELECTRICITY_KWH = "electricity_kwh", _("Electricity use (kWh)")
    GAS_M3 = "gas_m3", _("Gas use (m³)")
    INSURED_HEADCOUNT = "insured_headcount", _("Insured headcount")
    INSURANCE_DEBT = "insurance_debt", _("Insurance debt (rials)")
    TAX_ARREARS = "tax_arrears", _("Tax arrears (rials)")
    RETURNED_CHEQUES = "returned_cheques", _("Returned cheques (count)")
    RETURNED_CHEQUES_AMOUNT = "returned_cheques_amount", _("Returned cheques (rials)")
    OVERDUE_INSTALMENTS = "overdue_instalments", _("Overdue loan instalments (rials)")


# The agency (``accounts.AgencyCode``) whose liaison may send each kind of signal.
SIGNAL_AGENCY: dict[str, str] = {
    SignalKind.ELECTRICITY_KWH: "electricity",
    SignalKind.GAS_M3: "gas",
    SignalKind.INSURED_HEADCOUNT: "social_security",
    SignalKind.INSURANCE_DEBT: "social_security",
    SignalKind.TAX_ARREARS: "tax",
    SignalKind.RETURNED_CHEQUES: "bank",
    SignalKind.RETURNED_CHEQUES_AMOUNT: "bank",
    SignalKind.OVERDUE_INSTALMENTS: "bank",
}
SIGNAL_MONEY_KINDS = frozenset(
    {
        SignalKind.INSURANCE_DEBT,
        SignalKind.TAX_ARREARS,
        SignalKind.RETURNED_CHEQUES_AMOUNT,
        SignalKind.OVERDUE_INSTALMENTS,
    }
)


class SignalSource(models.TextChoices):
    UPLOAD = "upload", _("Excel file")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class FeedState(models.TextChoices):
    """An uploaded file is checked in the background, then committed (all its rows at once) when the person
    confirms. A feed pushed by the API, or made by the demo, is committed at once: that is the default."""

    PENDING = "pending", _("Waiting to be checked")
    CHECKING = "checking", _("Checking rows")
    CHECKED = "checked", _("Checked, waiting for confirmation")
    REFUSED = "refused", _("Refused: the file has problems")
    COMMITTED = "committed", _("Received")
    FAILED = "failed", _("Failed")


class SignalFeed(RowProgress, models.Model):
    """One delivery of an agency's signals for one Jalali month of one province: an uploaded file or an API push."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "geography.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    source = models.CharField(_("source"), max_length=8, choices=SignalSource.choices, default=SignalSource.UPLOAD)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    matched_rows = models.PositiveIntegerField(_("rows matched to a unit"), default=0)
    # The background check of an uploaded file (``rownaq.monitoring.feeds``); signals exist only once committed.
    state = models.CharField(_("state"), max_length=10, choices=FeedState.choices, default=FeedState.COMMITTED)
    file = models.FileField(_("file"), upload_to="signals/%Y/%m/", blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    checked_rows = models.JSONField(default=list, blank=True)
    error_message = models.TextField(blank=True)
    # A month re-sent by the same agency for the same province supersedes the earlier feed.
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("superseded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("agency signal feed")
        verbose_name_plural = _("agency signal feeds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="monitoring_feed_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}/{self.month}"

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)


class Signal(models.Model):
    """One figure an agency holds about one unit for one Jalali month (money in rials). Rows are matched to
    units by national ID; a row no unit matches keeps ``unit`` empty until someone corrects it."""

    feed = models.ForeignKey(SignalFeed, on_delete=models.CASCADE, related_name="signals")
    unit = models.ForeignKey(
        "registry.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE, related_name="signals"
    )
    national_id = models.CharField(_("national ID"), max_length=11)
    name = models.CharField(_("name in the agency's file"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    month = models.PositiveSmallIntegerField(_("Jalali month"))
    kind = models.CharField(_("signal"), max_length=24, choices=SignalKind.choices)
    value = models.BigIntegerField(_("value"))
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by hand by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("agency signal")
        verbose_name_plural = _("agency signals")
        ordering = ["-year", "-month", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["feed", "national_id", "kind"], name="monitoring_signal_once_per_feed"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="monitoring_signal_month"),
        ]
        indexes = [
            models.Index(fields=["unit", "year", "month", "kind"], name="monitoring_signal_unit_month"),
            models.Index(fields=["national_id"], name="monitoring_signal_national_id"),
        ]

    def __str__(self) -> str:
        return f"{self.national_id} {self.year}/{self.month} {self.kind}"

    @property
    def period(self) -> Period:
        return Period.month(self.year, self.month)


from rownaq.monitoring.import_models import *  # noqa: E402,F403
from rownaq.monitoring.risk_models import *  # noqa: E402, F403
from rownaq.monitoring.status_models import StatusEvaluation, StatusOverride, StatusRule  # noqa: E402,F401
from rownaq.monitoring.visit_models import *  # noqa: E402,F403
