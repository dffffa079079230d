"""The agencies' feeds of signals: an uploaded monthly file (checked in the background, committed whole once
the person confirms), an API push (checked and committed at once), the matching of rows to units by
national ID, and the corrections of rows no unit matched.

Every row of a feed is checked the same way (``check_entries``): a valid national ID (11 digits, its check
digit), a whole number from 0, a kind of signal the agency sends, and each national ID and kind once.
A feed with any problem is refused whole: nothing is written (all-or-nothing). Committing a feed writes
its rows, matches them to the units of the feed's province by national ID, and supersedes the earlier
feed of the same agency, province and month (``SignalFeed.superseded_by``; see ``signals.latest_signals``).

Who may do what is in ``rownaq.monitoring.access``; these functions check it again for the writes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from rownaq.accounts.models import Organisation, User
from rownaq.core.normalise import normalise_digits_only, normalise_text
from rownaq.core.numbers import format_number
from rownaq.core.periods import Period
from rownaq.core.workflow import StateMachine, Transition
from rownaq.monitoring import access
from rownaq.monitoring.feed_sheet import NATIONAL_ID_HEADER, Entry, FeedFileError, problem, read_feed_sheet
from rownaq.monitoring.models import SIGNAL_AGENCY, FeedState, Signal, SignalFeed, SignalKind, SignalSource
from rownaq.registry.imports import ImportFileError, import_file_check
from rownaq.registry.models import Unit
from rownaq.registry.spreadsheet import CellError, cell_text, parse_int
from rownaq.registry.validators import validate_national_id

logger = logging.getLogger(__name__)

MAX_VALUE = 10**16  # rials, kWh, m³ or a count: larger is a typing mistake
MAX_STORED_PROBLEMS = 2000
FIRST_YEAR, LAST_YEAR = 1390, 1499
RUNNING_STATES = frozenset({FeedState.PENDING, FeedState.CHECKING})

_F = FeedState
# The life of a feed. An uploaded file: pending → checking (the worker) → checked or refused → committed when the
# person confirms. An API push is checked at once and committed ("commit" from checked). Any unexpected error of
# the worker fails the feed. A committed feed never moves again (a re-sent month supersedes it instead).
FEED_STATES: StateMachine[SignalFeed] = StateMachine(
    {
        "check": Transition(_F.CHECKING.label, frozenset({_F.PENDING}), _F.CHECKING),
        "pass": Transition(_F.CHECKED.label, frozenset({_F.CHECKING}), _F.CHECKED),
        "refuse": Transition(_F.REFUSED.label, frozenset({_F.CHECKING}), _F.REFUSED),
        "commit": Transition(_F.COMMITTED.label, frozenset({_F.CHECKED}), _F.COMMITTED),
        "fail": Transition(_F.FAILED.label, frozenset({_F.PENDING, _F.CHECKING, _F.CHECKED}), _F.FAILED),
    },
    initial=_F.PENDING,
)


class FeedError(Exception):
    """A feed that cannot be taken or moved on; the message is for the person."""


class FeedRowsError(FeedError):
    """Rows with problems: nothing was written. ``problems`` lists each (row, column, value, message)."""

    def __init__(self, problems: list[dict[str, object]]) -> None:
        super().__init__(_("The rows have problems; nothing was saved."))
        self.problems = problems


# -- checking rows ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanRow:
    national_id: str
    name: str
    kind: str
    value: int

    def as_dict(self) -> dict[str, Any]:
        return {"national_id": self.national_id, "name": self.name, "kind": self.kind, "value": self.value}


def check_national_id(text: str) -> str:
    """The national ID in Latin digits, or ``ValidationError`` with the reason in Persian."""
    digits = normalise_digits_only(text)
    if not digits:
        raise ValidationError(_("The national ID is empty."))
    validate_national_id(digits)
    return digits


def _value(raw: object) -> int:
    number = parse_int(raw, cell_text(raw))
    if number < 0:
        raise CellError(_("A signal's value cannot be negative."))
    if number >= MAX_VALUE:
        raise CellError(_("This number is too large."))
    return number


def check_entries(
    entries: Iterable[Entry], agency_code: str, *, id_column: str = NATIONAL_ID_HEADER, kind_column: str = ""
) -> tuple[list[CleanRow], list[dict[str, object]]]:
    """The valid rows of ``entries`` and the problems of the others (see the module's docstring). A problem of
    the national ID is told in ``id_column``, of the kind in ``kind_column`` (default: the entry's column)."""
    rows: list[CleanRow] = []
    problems: list[dict[str, object]] = []
    seen: dict[tuple[str, str], int] = {}
    for entry in entries:
        found: list[dict[str, object]] = []
        national_id = ""
        try:
            national_id = check_national_id(entry.national_id)
        except ValidationError as exc:
            found.append(problem(entry.row, id_column, entry.national_id, exc.messages[0]))
        if SIGNAL_AGENCY.get(entry.kind) != agency_code:
            label = SignalKind(entry.kind).label if entry.kind in SignalKind.values else entry.kind
            found.append(
                problem(
                    entry.row,
                    kind_column or entry.column,
                    entry.kind,
                    _("Your agency does not send «%(kind)s».") % {"kind": label},
                )
            )
        value = 0
        try:
            value = _value(entry.value)
        except CellError as exc:
            found.append(problem(entry.row, entry.column, entry.value, str(exc)))
        if national_id and not found:
            first = seen.setdefault((national_id, entry.kind), entry.row)
            if first != entry.row:
                found.append(
                    problem(
                        entry.row,
                        entry.column,
                        national_id,
                        _("This national ID already has this value in row %(row)s.") % {"row": format_number(first)},
                    )
                )
        if found:
            problems.extend(found)
        else:
            rows.append(CleanRow(national_id, normalise_text(entry.name)[:200], entry.kind, value))
    return rows, problems


def check_month(year: int, month: int) -> None:
    """A Jalali month that has begun: an agency sends what it holds of a past (or the current) month."""
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= month <= 12:
        raise FeedError(_("This is not a Jalali month, season or year."))
    if Period.month(year, month) > Period.current():
        raise FeedError(_("This month has not begun yet: signals are sent for past months."))


# -- the uploaded file --------------------------------------------------------------------------------------


def feed_province_id(organisation: Organisation, by: User) -> int:
    """A feed belongs to the agency's province; a national agency's feed, to the province of who sends it."""
    province_id = organisation.province_id or by.province_id
    if province_id is None:
        raise FeedError(_("Choose the agency's office in a province: a feed belongs to one province."))
    return province_id


@transaction.atomic
def feed_upload_create(
    *, file: UploadedFile, organisation: Organisation, year: int, month: int, by: User
) -> SignalFeed:
    """Store an uploaded monthly file and queue its checking. Raises ``FeedError`` for a refused file."""
    if organisation not in access.feed_agencies(by):
        raise PermissionDenied
    check_month(year, month)
    try:
        import_file_check(file)
    except ImportFileError as exc:
        raise FeedError(exc.messages[0]) from exc
    feed = SignalFeed.objects.create(
        organisation=organisation,
        province_id=feed_province_id(organisation, by),
        year=year,
        month=month,
        source=SignalSource.UPLOAD,
        original_name=(file.name or "")[-255:],
        file=file,
        uploaded_by=by,
        state=FeedState.PENDING,
    )
    from rownaq.monitoring.tasks import check_signal_feed

    transaction.on_commit(lambda: check_signal_feed.enqueue(feed.pk))
    return feed


def _progress(feed: SignalFeed, count: int, declared: int) -> None:
    SignalFeed.objects.filter(pk=feed.pk).update(processed_rows=count, total_rows=declared)


def feed_check(*, feed: SignalFeed) -> SignalFeed:
    """Read and check every row of an uploaded feed (run by the worker): the feed is then checked, waiting for
    confirmation, or refused with its problems. Safe to run twice: only a pending feed is checked."""
    claimed = SignalFeed.objects.filter(pk=feed.pk, state__in=FEED_STATES["check"].sources).update(
        state=FEED_STATES.target("check", FeedState.PENDING), processed_rows=0
    )
    if not claimed:
        return feed
    feed.refresh_from_db()
    agency_code = feed.organisation.agency_code
    try:
        with feed.file.open("rb") as handle:
            content = handle.read()
        read = read_feed_sheet(content, agency_code, on_row=lambda count, declared: _progress(feed, count, declared))
    except FeedFileError as exc:
        feed.state, feed.error_message = FEED_STATES.target("refuse", feed.state), str(exc)
        feed.save(update_fields=["state", "error_message"])
        return feed
    rows, problems = check_entries(read.entries, agency_code)
    problems = sorted(read.problems + problems, key=lambda item: int(str(item["row"])))
    # the values read (a row of the file carries one per kind of signal), as counted once committed
    feed.total_rows, feed.processed_rows = len(read.entries), read.rows
    feed.problems = problems[:MAX_STORED_PROBLEMS]
    feed.checked_rows = [] if problems else [row.as_dict() for row in rows]
    if problems:
        feed.state = FEED_STATES.target("refuse", feed.state)
    elif not rows:
        feed.state, feed.error_message = (
            FEED_STATES.target("refuse", feed.state),
            _("The file has no row with a value."),
        )
    else:
        feed.state = FEED_STATES.target("pass", feed.state)
    feed.save(update_fields=["state", "total_rows", "processed_rows", "problems", "checked_rows", "error_message"])
    return feed


def feed_fail(*, feed_id: int, message: str) -> None:
    SignalFeed.objects.filter(pk=feed_id, state__in=FEED_STATES["fail"].sources).update(
        state=FEED_STATES["fail"].target, error_message=message
    )


@transaction.atomic
def feed_confirm(*, feed: SignalFeed, by: User) -> SignalFeed:
    """The person agrees to the checked rows: all of them are written at once, matched and counted."""
    locked = SignalFeed.objects.select_for_update().get(pk=feed.pk)
    if not access.can_send_feed(by, locked):
        raise PermissionDenied
    if not FEED_STATES.can("commit", locked.state):
        raise FeedError(_("This file is not waiting for confirmation."))
    rows = [CleanRow(**row) for row in locked.checked_rows]
    _commit(locked, rows)
    locked.checked_rows = []
    locked.save(update_fields=["checked_rows"])
    return locked


# -- the API push -------------------------------------------------------------------------------------------


@transaction.atomic
def feed_push(
    *,
    organisation: Organisation,
    year: int,
    month: int,
    rows: list[dict[str, Any]],
    by: User,
    source: str = SignalSource.API,
) -> SignalFeed:
    """Check and commit the rows an agency pushes (``national_id``, ``name``, ``kind``, ``value``; the row
    numbers of problems count from 1). Raises ``FeedRowsError`` (nothing written) if any row has a problem.
    The demo sends its months through here too (``source=SignalSource.DEMO``)."""
    if organisation not in access.feed_agencies(by):
        raise PermissionDenied
    check_month(year, month)
    entries = [
        Entry(
            number,
            str(row.get("national_id", "")),
            str(row.get("name", "")),
            str(row.get("kind", "")),
            row.get("value"),
            "value",
        )
        for number, row in enumerate(rows, start=1)
    ]
    clean, problems = check_entries(entries, organisation.agency_code, id_column="national_id", kind_column="kind")
    if problems:
        raise FeedRowsError(problems)
    if not clean:
        raise FeedError(_("Send at least one row."))
    feed = SignalFeed.objects.create(
        organisation=organisation,
        province_id=feed_province_id(organisation, by),
        year=year,
        month=month,
        source=source,
        uploaded_by=by,
        state=FeedState.CHECKED,
    )
    _commit(feed, clean)
    return feed


# -- committing and matching --------------------------------------------------------------------------------


def _commit(feed: SignalFeed, rows: list[CleanRow]) -> None:
    """Write the rows of a checked feed, matched by national ID, and supersede the earlier feed of its month."""
    Organisation.objects.select_for_update().filter(pk=feed.organisation_id).first()  # one commit per agency at once
    units = dict(
        Unit.objects.filter(
            county__province_id=feed.province_id, national_id__in={row.national_id for row in rows}
        ).values_list("national_id", "pk")
    )
    Signal.objects.bulk_create(
        (
            Signal(
                feed=feed,
                unit_id=units.get(row.national_id),
                national_id=row.national_id,
                name=row.name,
                year=feed.year,
                month=feed.month,
                kind=row.kind,
                value=row.value,
            )
            for row in rows
        ),
        batch_size=1000,
    )
    SignalFeed.objects.filter(
        organisation_id=feed.organisation_id,
        province_id=feed.province_id,
        year=feed.year,
        month=feed.month,
        state=FeedState.COMMITTED,
        superseded_by__isnull=True,
    ).exclude(pk=feed.pk).update(superseded_by=feed)
    if feed.source != SignalSource.DEMO:  # the demo's history is written whole, statuses with it
        transaction.on_commit(partial(_refresh_after, feed.pk))
    feed.state = FEED_STATES.target("commit", feed.state)
    feed.total_rows = len(rows)
    feed.matched_rows = sum(1 for row in rows if row.national_id in units)
    feed.processed_rows = len(rows)
    feed.save(update_fields=["state", "total_rows", "matched_rows", "processed_rows"])


def _refresh_after(feed_id: int) -> None:
    from rownaq.monitoring.tasks import refresh_after_signals

    refresh_after_signals.enqueue(feed_id)


def feed_recount(feed_ids: Iterable[int]) -> None:
    """Count again the matched rows of feeds."""
    for feed_id, matched in (
        SignalFeed.objects.filter(pk__in=list(feed_ids))
        .annotate(matched=Count("signals", filter=Q(signals__unit__isnull=False)))
        .values_list("pk", "matched")
    ):
        SignalFeed.objects.filter(pk=feed_id).update(matched_rows=matched)


def checked_unmatched(feed: SignalFeed) -> tuple[int, int]:
    """How many values of a checked (not yet confirmed) feed, and of how many national IDs, no unit of the
    province has: they would be received unmatched, to be corrected."""
    ids = {str(row["national_id"]) for row in feed.checked_rows}
    known = set(
        Unit.objects.filter(county__province_id=feed.province_id, national_id__in=ids).values_list(
            "national_id", flat=True
        )
    )
    missing = ids - known
    return sum(1 for row in feed.checked_rows if row["national_id"] in missing), len(missing)


def unmatched_rows(feed: SignalFeed) -> QuerySet[Signal]:
    return feed.signals.filter(unit__isnull=True).order_by("national_id", "kind")


@transaction.atomic
def signal_assign_unit(*, signal: Signal, unit: Unit, by: User) -> Signal:
    """Province staff match a row by hand to a unit of the feed's province; the agency's other unmatched rows
    of the same national ID in that feed follow."""
    if not access.can_match_rows(by, signal.feed):
        raise PermissionDenied
    if unit.county.province_id != signal.feed.province_id:
        raise FeedError(_("This unit is not in the feed's province."))
    rows = signal.feed.signals.filter(unit__isnull=True, national_id=signal.national_id)
    if signal.feed.signals.filter(unit=unit, kind__in=rows.values("kind")).exists():
        raise FeedError(_("The feed already has this signal for this unit; correct the agency's file instead."))
    rows.update(unit=unit, matched_by=by)
    feed_recount([signal.feed_id])
    signal.refresh_from_db()
    return signal


@transaction.atomic
def signal_correct_national_id(*, signal: Signal, national_id: str, by: User) -> Signal:
    """The agency corrects the national ID of a row no unit matched; it is matched again at once."""
    if not access.can_correct_rows(by, signal.feed):
        raise PermissionDenied
    if signal.unit_id is not None:
        raise FeedError(_("This row is already matched to a unit."))
    try:
        digits = check_national_id(national_id)
    except ValidationError as exc:
        raise FeedError(exc.messages[0]) from exc
    if signal.feed.signals.filter(national_id=digits, kind=signal.kind).exclude(pk=signal.pk).exists():
        raise FeedError(_("The feed already has this value for this national ID."))
    unit = Unit.objects.filter(national_id=digits, county__province_id=signal.feed.province_id).first()
    signal.national_id = digits
    signal.unit = unit
    signal.matched_by = None
    signal.save(update_fields=["national_id", "unit", "matched_by"])
    feed_recount([signal.feed_id])
    return signal


def signals_match_unit(unit: Unit) -> int:
    """Match to ``unit`` the unmatched rows of its province's feeds that carry its national ID (call it when a
    unit's national ID is registered or corrected); how many rows were matched."""
    rows = Signal.objects.filter(
        unit__isnull=True,
        national_id=normalise_digits_only(unit.national_id),
        feed__province_id=unit.county.province_id,
    )
    feed_ids = set(rows.values_list("feed_id", flat=True))
    if not feed_ids:
        return 0
    matched = rows.update(unit=unit)
    feed_recount(feed_ids)
    return matched
