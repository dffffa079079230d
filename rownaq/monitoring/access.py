"""Who may see and do what with monthly reports: the one place every page, API endpoint and task asks.

- province staff (system admins, deputies, SMT experts) see the reports of their province's units
  (national staff: every province); a unit manager sees only their company's units' reports;
- a unit's managers, and the SMT experts of its province, enter and submit its reports (an expert
  does it on the unit's behalf, and it is recorded as such);
- SMT experts (and system admins) of the province approve or return submitted reports;
- agency liaisons, universities, firms and investors see no report.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from rownaq.accounts.models import REGISTRY_EDITOR_ROLES, Organisation, Role, User
from rownaq.geography.places import Places
from rownaq.monitoring.models import (
    SIGNAL_AGENCY,
    MonthlyReport,
    PreventiveAction,
    ReportImport,
    RevivalCase,
    RiskScore,
    Signal,
    SignalFeed,
    Visit,
)
from rownaq.registry.access import acts_for_unit, units_visible_to
from rownaq.registry.models import Unit, UnitStatus

# The statuses of units a revival case may be opened for.
REVIVABLE_STATUSES = frozenset({UnitStatus.IDLE, UnitStatus.CLOSED})


def sees_monitoring(user: User | AnonymousUser) -> bool:
    """Whether the person has the monitoring pages at all (province staff and unit managers)."""
    return isinstance(user, User) and user.is_active and (user.is_province_staff or user.role == Role.UNIT_MANAGER)


def sees_dashboard(user: User | AnonymousUser) -> bool:
    """The province's dashboard and completeness: province staff."""
    return isinstance(user, User) and user.is_province_staff


def reports_visible_to(user: User | AnonymousUser) -> QuerySet[MonthlyReport]:
    reports = MonthlyReport.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return reports.none()
    if user.is_superuser:
        return reports
    if user.is_province_staff:
        province_id = user.province_id
        return reports if province_id is None else reports.filter(Places.province(province_id).q("unit__county"))
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return reports.filter(unit__owner_id=user.organisation_id)
    return reports.none()


def sees_unit_reports(user: User | AnonymousUser, unit: Unit) -> bool:
    """Whether the person sees ``unit``'s reports and figures: its managers, and staff serving its province."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_province_staff:
        return user.serves_province(unit.county.province_id)  # type: ignore[union-attr]
    return user.role == Role.UNIT_MANAGER and unit.owner_id is not None and unit.owner_id == user.organisation_id


def reporting_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The units whose reports the person enters: a manager's company's units, an expert's province's units."""
    if not isinstance(user, User) or not user.is_active:
        return Unit.objects.none()
    if user.role == Role.UNIT_MANAGER or user.is_expert:
        return units_visible_to(user)
    return Unit.objects.none()


def can_enter(user: User | AnonymousUser, unit: Unit) -> bool:
    """Whether the person fills and submits ``unit``'s reports (its managers; its province's experts)."""
    return isinstance(user, User) and acts_for_unit(user, unit)


def can_import_reports(user: User | AnonymousUser) -> bool:
    """Whether the person imports a month's reports from Excel: SMT experts (and system admins), who enter
    reports on the units' behalf."""
    return isinstance(user, User) and user.is_expert


def report_imports_visible_to(user: User | AnonymousUser) -> QuerySet[ReportImport]:
    """The report imports of the person's province (every one for national staff); none without the right."""
    if not isinstance(user, User) or not can_import_reports(user):
        return ReportImport.objects.none()
    imports = ReportImport.objects.all()
    return imports if user.province_id is None else imports.filter(province_id=user.province_id)


def get_report_import_for_user(user: User | AnonymousUser, pk: int) -> ReportImport:
    """The import ``pk`` if the person may see it; 404 otherwise."""
    try:
        return report_imports_visible_to(user).select_related("uploaded_by").get(pk=pk)
    except ReportImport.DoesNotExist:
        raise Http404 from None


def enters_on_behalf(user: User, unit: Unit) -> bool:
    """Whether a report the person enters for ``unit`` is entered on the unit's behalf (not by its managers)."""
    return not (user.role == Role.UNIT_MANAGER and unit.owner_id is not None and unit.owner_id == user.organisation_id)


def can_review(user: User | AnonymousUser, report: MonthlyReport) -> bool:
    """Whether the person approves or returns ``report``: an SMT expert (or admin) of the unit's province."""
    return (
        isinstance(user, User) and user.is_expert and user.serves_province(report.unit.county.province_id)  # type: ignore[union-attr]
    )


def get_report_for_user(user: User | AnonymousUser, pk: int) -> MonthlyReport:
    """The report ``pk`` if the person may see it; 404 otherwise (its existence is not told)."""
    try:
        return (
            reports_visible_to(user)
            .select_related("unit", "unit__county__province", "unit__owner", "entered_by")
            .get(pk=pk)
        )
    except MonthlyReport.DoesNotExist:
        raise Http404 from None


# -- revival cases --------------------------------------------------------------------------------------
# Province staff (SMT experts, deputies, admins) of the unit's province see and move its revival case; a
# unit's managers see their own unit's case, read-only; everyone else sees none (the pages answer 403).


def sees_revival(user: User | AnonymousUser) -> bool:
    """The revival pipeline and the opening of cases: province staff."""
    return isinstance(user, User) and user.is_province_staff


def revival_cases_visible_to(user: User | AnonymousUser) -> QuerySet[RevivalCase]:
    cases = RevivalCase.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return cases.none()
    if user.is_superuser:
        return cases
    if user.is_province_staff:
        province_id = user.province_id
        return cases if province_id is None else cases.filter(Places.province(province_id).q("unit__county"))
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return cases.filter(unit__owner_id=user.organisation_id)
    return cases.none()


def can_act_on_revival(user: User | AnonymousUser, unit: Unit) -> bool:
    """Whether the person opens and moves ``unit``'s revival case: province staff of the unit's province."""
    return (
        isinstance(user, User) and user.is_province_staff and user.serves_province(unit.county.province_id)  # type: ignore[union-attr]
    )


def revivable_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The idle and closed units of the person's province for which they may open a revival case."""
    if not sees_revival(user):
        return Unit.objects.none()
    return units_visible_to(user).filter(status__in=REVIVABLE_STATUSES)


def get_revival_case_for_user(user: User | AnonymousUser, pk: int) -> RevivalCase:
    """The case ``pk`` if the person may see it; 404 otherwise (its existence is not told)."""
    try:
        return (
            revival_cases_visible_to(user)
            .select_related("unit", "unit__county__province", "unit__estate", "unit__sector", "opened_by")
            .get(pk=pk)
        )
    except RevivalCase.DoesNotExist:
        raise Http404 from None


# -- early warning ---------------------------------------------------------------------------------------
# Province staff (SMT experts, deputies, admins) see their province's risk scores on the watch list and plan
# and close preventive actions; national staff see every province's; nobody else sees a score (403).


def sees_watch_list(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.is_province_staff


def risk_scores_visible_to(user: User | AnonymousUser) -> QuerySet[RiskScore]:
    scores = RiskScore.objects.all()
    if not sees_watch_list(user):
        return scores.none()
    province_id = user.province_id  # type: ignore[union-attr]
    return scores if province_id is None else scores.filter(Places.province(province_id).q("unit__county"))


def actions_visible_to(user: User | AnonymousUser) -> QuerySet[PreventiveAction]:
    actions = PreventiveAction.objects.all()
    if not sees_watch_list(user):
        return actions.none()
    province_id = user.province_id  # type: ignore[union-attr]
    return actions if province_id is None else actions.filter(Places.province(province_id).q("unit__county"))


def watch_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The units the person may plan a preventive action for: their province's."""
    return units_visible_to(user) if sees_watch_list(user) else Unit.objects.none()


def action_owners(user: User | AnonymousUser, province_id: int) -> QuerySet[User]:
    """Who may own a preventive action for a unit of ``province_id``: the active users of that province."""
    if not sees_watch_list(user):
        return User.objects.none()
    return User.objects.filter(is_active=True, organisation__province_id=province_id).order_by("last_name", "pk")


def get_action_for_user(user: User | AnonymousUser, pk: int) -> PreventiveAction:
    try:
        return actions_visible_to(user).select_related("unit", "unit__county").get(pk=pk)
    except PreventiveAction.DoesNotExist:
        raise Http404 from None


# -- the agencies' signal feeds -------------------------------------------------------------------------
# An agency's liaison (electricity, gas, social security, tax, a bank) sends its organisation's monthly
# feeds and sees only them and their rows, and corrects the national ID of a row no unit matched.
# Province staff see every feed of their province (national staff: every province), upload on an agency's
# behalf and match unmatched rows to units by hand. Everyone else is refused (403).

SIGNAL_AGENCY_CODES = frozenset(SIGNAL_AGENCY.values())


def sends_signals(user: User | AnonymousUser) -> bool:
    """An active liaison of an agency that sends signals."""
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.AGENCY_LIAISON
        and user.organisation is not None
        and user.organisation.agency_code in SIGNAL_AGENCY_CODES
    )


def sees_feeds(user: User | AnonymousUser) -> bool:
    """The feed pages and API: the agencies' liaisons and province staff."""
    return sends_signals(user) or (isinstance(user, User) and user.is_province_staff)


def feeds_visible_to(user: User | AnonymousUser) -> QuerySet[SignalFeed]:
    feeds = SignalFeed.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return feeds.none()
    if sends_signals(user):
        return feeds.filter(organisation_id=user.organisation_id)  # type: ignore[misc]
    if user.is_superuser:
        return feeds
    if user.is_province_staff:
        province_id = user.province_id
        return feeds if province_id is None else feeds.filter(province_id=province_id)
    return feeds.none()


def signals_visible_to(user: User | AnonymousUser) -> QuerySet[Signal]:
    """The rows of the feeds the person sees."""
    return Signal.objects.filter(feed__in=feeds_visible_to(user))


def feed_agencies(user: User | AnonymousUser) -> QuerySet[Organisation]:
    """The agencies the person may send feeds for: a liaison, their own; province staff, the signal-sending
    agencies of their province (and national ones)."""
    agencies = Organisation.objects.filter(agency_code__in=SIGNAL_AGENCY_CODES)
    if sends_signals(user):
        return agencies.filter(pk=user.organisation_id)  # type: ignore[union-attr,misc]
    if isinstance(user, User) and user.is_province_staff:
        province_id = user.province_id
        if province_id is None or user.is_superuser:
            return agencies.order_by("name")
        return agencies.filter(Q(province_id=province_id) | Q(province__isnull=True)).order_by("name")
    return agencies.none()


def can_send_feed(user: User | AnonymousUser, feed: SignalFeed) -> bool:
    """Whether the person confirms ``feed``: its agency's liaison, or province staff of its province."""
    if sends_signals(user):
        return feed.organisation_id == user.organisation_id  # type: ignore[union-attr]
    return isinstance(user, User) and user.is_province_staff and user.serves_province(feed.province_id)


def can_match_rows(user: User | AnonymousUser, feed: SignalFeed) -> bool:
    """Whether the person matches a row to a unit by hand: province staff of the feed's province."""
    return isinstance(user, User) and user.is_province_staff and user.serves_province(feed.province_id)


def can_correct_rows(user: User | AnonymousUser, feed: SignalFeed) -> bool:
    """Whether the person corrects a row's national ID: the liaison of the feed's agency."""
    return sends_signals(user) and feed.organisation_id == user.organisation_id  # type: ignore[union-attr]


def get_feed_for_user(user: User | AnonymousUser, pk: int) -> SignalFeed:
    """The feed ``pk`` if the person may see it; 404 otherwise (its existence is not told)."""
    try:
        return feeds_visible_to(user).select_related("organisation", "province", "uploaded_by").get(pk=pk)
    except SignalFeed.DoesNotExist:
        raise Http404 from None


def get_signal_for_user(user: User | AnonymousUser, pk: int) -> Signal:
    try:
        return signals_visible_to(user).select_related("feed", "unit").get(pk=pk)
    except Signal.DoesNotExist:
        raise Http404 from None


# -- field visits ---------------------------------------------------------------------------------------
# Province staff and agency liaisons plan and record visits; everyone of them sees every agency's visits in
# the province on the calendar (unit, day, agency), but a liaison sees the answers, notes and photos only of
# their own agency's visits (staff see all). A unit's managers see which agency visits their units and when,
# never the agencies' answers, notes, flags or photos (the agencies' own assessment). Others: 403.


def _liaison(user: User | AnonymousUser) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and user.role == Role.AGENCY_LIAISON
        and user.organisation_id is not None
    )


def sees_visits(user: User | AnonymousUser) -> bool:
    """The visit calendar: province staff, agency liaisons and unit managers."""
    return isinstance(user, User) and user.is_active and (sees_monitoring(user) or _liaison(user))


def plans_visits(user: User | AnonymousUser) -> bool:
    """Who plans and records visits: province staff and agency liaisons, for their organisation."""
    return isinstance(user, User) and user.organisation_id is not None and (user.is_province_staff or _liaison(user))


def visits_visible_to(user: User | AnonymousUser) -> QuerySet[Visit]:
    """The visits the person sees on the calendar (the details of some of them: ``sees_visit_details``)."""
    visits = Visit.objects.all()
    if not isinstance(user, User) or not user.is_active:
        return visits.none()
    if user.is_superuser:
        return visits
    if user.is_province_staff or _liaison(user):
        province_id = user.province_id
        return visits if province_id is None else visits.filter(Places.province(province_id).q("unit__county"))
    if user.role == Role.UNIT_MANAGER and user.organisation_id is not None:
        return visits.filter(unit__owner_id=user.organisation_id)
    return visits.none()


def sees_visit_details(user: User | AnonymousUser, visit: Visit) -> bool:
    """The answers, notes, flag and photos of ``visit``: staff of its province, and its own agency's people."""
    if not isinstance(user, User) or not user.is_active:
        return False
    if user.is_province_staff:
        return user.serves_province(visit.unit.county.province_id)  # type: ignore[union-attr]
    return _liaison(user) and visit.agency_id == user.organisation_id


def can_record_visit(user: User | AnonymousUser, visit: Visit) -> bool:
    """Who records what was found: the people of the visiting agency (the superuser too)."""
    return plans_visits(user) and (user.is_superuser or visit.agency_id == user.organisation_id)  # type: ignore[union-attr]


def visit_units(user: User | AnonymousUser) -> QuerySet[Unit]:
    """The units the person may plan a visit to: those of their province (every province for national staff)."""
    if not plans_visits(user):
        return Unit.objects.none()
    province_id = user.province_id  # type: ignore[union-attr]
    units = Unit.objects.all()
    return units if province_id is None else units.filter(Places.province(province_id).q("county"))


def get_visit_for_user(user: User | AnonymousUser, pk: int, *, details: bool = True) -> Visit:
    """The visit ``pk``: 404 if the person does not see it at all, 403 if they see only its calendar entry."""
    try:
        visit = visits_visible_to(user).select_related("unit", "unit__county__province", "agency", "visitor").get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404 from None
    if details and not sees_visit_details(user, visit):
        raise PermissionDenied
    return visit


# A unit's status is set by hand (an override of the rules) by the SMT experts and system admins of its
# province; everyone else gets 403.


def can_override_status(user: User | AnonymousUser, unit: Unit) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and (user.is_superuser or user.role in REGISTRY_EDITOR_ROLES)
        and user.serves_province(unit.county.province_id)  # type: ignore[union-attr]
    )
