"""The demo's distress simulation: a hidden state per unit, month by month, from which its monthly reports and
the agencies' signals are drawn. Nothing else reads the hidden state: an early-warning model sees only what a
province would see (reports, signals, the status history the rules write), and this design was fixed before
and apart from any model.

The window is ``WINDOW`` Jalali months up to the last reportable month. A unit starts the window in the
status it had then (the registry demo's history says which); a unit closed by then is left out. Each unit
follows one course (shares of the units of each starting status; a unit the registry demo made semi-active or
idle during the window gets a course that leads there):

- stable (most active units): a base utilisation of 50–92% of capacity, Jalali seasonality (Farvardin's
  Nowruz holidays about a quarter lower, a slower summer for some sectors: an amplitude of its own), monthly
  noise of about ±7%;
- gradual decline (about 11% of active units): from an onset month, utilisation drifts down by 2–7 points
  of capacity a month, to a floor of 0–35%; raw-material days fall, overdue wages and insurance debt build,
  returned cheques and overdue instalments appear, the insured headcount falls with a lag;
- sudden shock (about 3% of active units): a fire, a partners' dispute or an energy cut collapses output to
  0–10% within the month; workers leave over the following months; 40% recover after 2–6 months;
- recovery (about 30% of semi-active and 15% of idle units): from a month, utilisation climbs over 2–5 months
  to 50–85%; debts are paid down;
- still semi-active or idle: low or no output all along.

Signals are noisy on purpose: each unit shows each sign of distress only with a probability of its own
(``SIGN_SHARE``: a declining unit without overdue wages, one without returned cheques), and a healthy unit
shows a sign now and then (``FALSE_SIGN``: a returned cheque, a month of overdue wages, a low stock).

Silence: reporting is drawn apart from the course (about 15% of units never report; about 12% stop 4–5
months before the end, close to the suspension of licence services), and a unit whose output collapsed stops
reporting with probability ``SILENT_AFTER_COLLAPSE`` a month or two later; the agencies keep sending its
electricity, social security and bank figures, drawn from the same hidden state with their own noise
(electricity follows output over a base load of 1–4%, the insured headcount lags the employees by a month or
two, banks report returned cheques and overdue instalments).

Statuses are not drawn: ``monitoring.status_rules`` is applied to each simulated month (utilisation from the
month's report, else electricity from the signals), and each change it calls for is written to the unit's
history with the rule's note, so the unit's current status follows from its history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rownaq.registry.models import UnitStatus as US

WINDOW = 21  # months simulated, up to the last reportable month
# Jalali months 1..12: Nowruz in Farvardin, a push before the year's end in Esfand.
SEASON: tuple[float, ...] = (0.74, 0.97, 1.0, 1.0, 0.98, 0.97, 1.0, 1.02, 1.02, 1.0, 1.0, 1.06)
# Courses by starting status: (course, share).
COURSES: dict[str, tuple[tuple[str, float], ...]] = {
    US.ACTIVE: (("decline", 0.11), ("shock", 0.03), ("stable", 0.86)),
    US.SEMI_ACTIVE: (("recovery", 0.30), ("decline", 0.20), ("low", 0.50)),
    US.IDLE: (("recovery", 0.15), ("idle", 0.85)),
}
SHOCKS = ("fire", "dispute", "energy_cut")
SIGN_SHARE = {"raw": 0.75, "wages": 0.55, "insurance": 0.65, "cheques": 0.45, "instalments": 0.5, "tax": 0.4}
FALSE_SIGN = 0.02  # a healthy unit's chance, each month, of one sign of distress
SILENT_AFTER_COLLAPSE = 0.6


@dataclass
class Month:
    """The hidden truth of one unit in one month (shares of capacity and of the nominal workforce)."""

    share: float
    workforce: float
    stress: float  # 0 calm .. 1 deep distress
    raw_days: int
    overdue_wages: int
    insurance_debt: int  # rials
    tax_arrears: int
    returned_cheques: int
    cheques_amount: int
    overdue_instalments: int
    energy_cut: bool = False


@dataclass
class Course:
    kind: str
    start_status: str
    onset: int = 0  # month index the course turns
    rate: float = 0.0
    floor: float = 0.0
    base: float = 0.7
    shock: str = ""
    recovers_at: int | None = None
    signs: set[str] = field(default_factory=set)
    months: list[Month] = field(default_factory=list)

    @property
    def collapse(self) -> int | None:
        """The first month output fell below 10% of capacity (None if it never did)."""
        return next((i for i, m in enumerate(self.months) if m.share < 0.1), None)


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    roll = rng.random()
    for option, share in options:
        if roll < share:
            return option
        roll -= share
    return options[-1][0]


def course_plan(rng: random.Random, *, start_status: str, lean: str = "", lean_month: int = 0) -> Course:
    """A unit's course. ``lean``: the status the registry demo gave it during the window, reached about
    ``lean_month`` (semi-active: a decline to a floor; idle: a shock or a decline to nothing)."""
    kind = _pick(rng, COURSES.get(start_status, COURSES[US.ACTIVE]))
    if lean == US.SEMI_ACTIVE:
        kind = "decline"
    elif lean == US.IDLE:
        kind = "shock" if rng.random() < 0.5 else "decline"
    elif lean == US.ACTIVE:
        kind = "recovery"
    course = Course(kind=kind, start_status=start_status, signs={s for s, p in SIGN_SHARE.items() if rng.random() < p})
    if start_status == US.ACTIVE or kind in ("decline", "shock"):
        course.base = rng.uniform(0.5, 0.92)
    if start_status == US.SEMI_ACTIVE and kind != "recovery":
        course.base = rng.uniform(0.2, 0.45)
    if kind == "decline":
        course.rate = rng.uniform(0.02, 0.07)
        course.floor = rng.uniform(0.2, 0.4) if lean == US.SEMI_ACTIVE else rng.uniform(0.0, 0.35)
        if lean == US.IDLE:
            course.floor, course.rate = 0.0, rng.uniform(0.08, 0.15)
        run = (course.base - course.floor) / course.rate
        course.onset = max(1, lean_month - int(run) - 2) if lean else rng.randint(2, WINDOW - 4)
    elif kind == "shock":
        course.onset = max(1, lean_month - 3) if lean else rng.randint(2, WINDOW - 2)
        course.shock = rng.choice(SHOCKS)
        if rng.random() < 0.4 and not lean:
            course.recovers_at = course.onset + rng.randint(2, 6)
    elif kind == "recovery":
        course.onset = max(1, lean_month - 2) if lean else rng.randint(2, WINDOW - 4)
        course.rate = 1 / rng.randint(2, 5)
        course.floor = rng.uniform(0.5, 0.85)  # the level it climbs to
    return course


def _share(course: Course, t: int, rng: random.Random, season: float) -> float:
    kind, onset = course.kind, course.onset
    noise = 1 + rng.gauss(0, 0.07)
    if kind == "decline" and t >= onset:
        level = max(course.floor, course.base - course.rate * (t - onset + 1))
    elif kind == "shock" and t >= onset:
        if course.recovers_at is not None and t >= course.recovers_at:
            climb = min(1.0, (t - course.recovers_at + 1) / 3)
            level = 0.05 + climb * (course.base * 0.8 - 0.05)
        else:
            level = rng.uniform(0.0, 0.1) if course.shock != "dispute" or t > onset else rng.uniform(0.03, 0.1)
            return level
    elif kind == "recovery":
        start = 0.3 if course.start_status == US.SEMI_ACTIVE else 0.0
        climb = 0.0 if t < onset else min(1.0, (t - onset + 1) * course.rate)
        level = start + climb * (course.floor - start)
        if level < 0.02:
            return 0.0
    elif kind == "idle" or (course.start_status == US.IDLE and kind != "recovery"):
        return 0.0 if rng.random() < 0.85 else rng.uniform(0.0, 0.04)
    else:
        level = course.base
    return max(0.0, min(1.25, level * season * noise))


def simulate(course: Course, rng: random.Random, *, first_month: int, nominal_employees: int) -> Course:
    """Fill ``course.months`` (``WINDOW`` of them, the first one of Jalali month ``first_month``)."""
    debt = tax = instalments = 0
    wages = 0
    workforce = 1.0 if course.start_status != US.IDLE else rng.uniform(0.05, 0.3)
    wage_bill = max(1, nominal_employees) * 150_000_000  # rials a month
    for t in range(WINDOW):
        season = SEASON[(first_month - 1 + t) % 12]
        share = _share(course, t, rng, season)
        stress = max(0.0, min(1.0, (course.base - share) / max(course.base, 0.3))) if course.base else 0.0
        if course.start_status == US.IDLE and course.kind != "recovery":
            stress = 0.6
        target = 0.15 + 0.85 * min(1.0, share / max(course.base, 0.3)) if share > 0.02 else 0.1
        workforce += (target - workforce) * (0.25 if target < workforce else 0.4)  # people leave slowly
        false_sign = rng.random() < FALSE_SIGN
        signs = course.signs
        calm = stress < 0.3
        raw = rng.randint(15, 60) if calm else max(0, round(rng.randint(20, 40) * (1 - stress)))
        if "raw" not in signs and not calm:
            raw = rng.randint(12, 45)
        if false_sign and calm:
            raw = rng.randint(2, 8)
        if "wages" in signs and stress > 0.45:
            wages = min(6, wages + (1 if rng.random() < 0.7 else 0))
        else:
            wages = 0 if rng.random() < 0.6 else max(0, wages - 1)
        if "insurance" in signs and stress > 0.35:
            debt += round(wage_bill * workforce * rng.uniform(0.2, 0.35))
        elif debt:
            debt = max(0, debt - round(wage_bill * rng.uniform(0.1, 0.4)))
        if "tax" in signs and stress > 0.5 and rng.random() < 0.4:
            tax += round(wage_bill * rng.uniform(0.5, 2))
        cheques = rng.randint(1, 4) if "cheques" in signs and stress > 0.4 and rng.random() < 0.6 else 0
        if "instalments" in signs and stress > 0.4:
            instalments += round(wage_bill * rng.uniform(0.3, 1.2))
        elif instalments and rng.random() < 0.3:
            instalments = 0
        if false_sign and calm and rng.random() < 0.5:
            cheques, wages = 1, wages
        elif false_sign and calm:
            wages = 1
        course.months.append(
            Month(
                share=share,
                workforce=workforce,
                stress=stress,
                raw_days=raw,
                overdue_wages=wages,
                insurance_debt=debt,
                tax_arrears=tax,
                returned_cheques=cheques,
                cheques_amount=cheques * rng.randrange(20, 400) * 10_000_000,
                overdue_instalments=instalments,
                energy_cut=course.shock == "energy_cut" and course.onset <= t < (course.recovers_at or WINDOW),
            )
        )
    return course


def electricity(month: Month, *, per_employee: float, nominal_employees: int, rng: random.Random) -> int:
    """The electricity company's kWh: output over a base load, with the meter's noise (near zero in a cut)."""
    full = per_employee * max(1, nominal_employees)
    if month.energy_cut:
        return round(full * rng.uniform(0.0, 0.02))
    base = full * rng.uniform(0.01, 0.04)
    return max(0, round(base + full * month.share * rng.uniform(0.88, 1.12)))


def insured(course: Course, t: int, *, nominal_employees: int, rng: random.Random, lag: int) -> int:
    """Social security's insured headcount: the workforce of ``lag`` months before, rounded by the payroll."""
    month = course.months[max(0, t - lag)]
    return max(0, round(nominal_employees * month.workforce * rng.uniform(0.97, 1.01)))
