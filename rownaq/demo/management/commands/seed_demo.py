"""``manage.py seed_demo``: a plausible province (Qom by default) or all 31, the same for the same seed."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone

from rownaq.core.normalise import is_digits
from rownaq.demo.cases import demo_cases_build
from rownaq.demo.desk import DemoDeskSummary, demo_desk_build, demo_desk_reset
from rownaq.demo.province import demo_province_build
from rownaq.demo.reports import demo_reports_build
from rownaq.demo.revival import demo_revival_build
from rownaq.demo.seed import demo_national_build, demo_province_reset
from rownaq.demo.units import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    NATIONAL_UNITS,
    DemoSummary,
    demo_default_units,
    demo_reference_ensure,
)
from rownaq.demo.visits import demo_visits_build
from rownaq.geography.models import Province


class Command(BaseCommand):
    help = (
        "Generate seeded, deterministic demo data: industrial estates, organisations, production units "
        "with licences, products and contacts, and a demo user of every role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            default=settings.ROWNAQ_DEFAULT_PROVINCE,
            help="SCI code or ISO 3166-2 code of the province, e.g. 25 or IR-25 (default: %(default)s).",
        )
        parser.add_argument(
            "--units", type=int, help="Number of units (default: about 2,500 for Qom, scaled for other provinces)."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed (default: %(default)s).")
        parser.add_argument(
            "--national",
            action="store_true",
            help=f"All 31 provinces, about {NATIONAL_UNITS:,} units in total (--units is then the total).",
        )
        parser.add_argument("--reset", action="store_true", help="Delete the previously generated demo data first.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if demo_reference_ensure():
            self.stdout.write("Reference data loaded (provinces, counties, ISIC sectors).")
        code = str(options["province"]).strip().upper()
        if code.startswith("IR-"):
            province = Province.objects.filter(iso_code=code).first()
        else:
            province = Province.objects.filter(code=str(int(code)) if is_digits(code) else code).first()
        if province is None:
            raise CommandError(f"Unknown province code {code!r}.")
        units, seed = options["units"], options["seed"]
        if units is not None and units < 2:
            raise CommandError("--units must be at least 2.")

        try:
            today = timezone.localdate()
            if options["reset"]:
                # The desk's needs and capabilities refer to the units, organisations and users.
                desk_provinces = Province.objects.order_by("code") if options["national"] else [province]
                for each in desk_provinces:
                    if needs := demo_desk_reset(province=each):
                        self.stdout.write(
                            f"Deleted the previous Industry Needs Desk demo of {each.name}: {needs:,} needs."
                        )
            if options["national"]:
                summaries = demo_national_build(
                    total=units,
                    seed=seed,
                    primary_code=province.code,
                    reset=options["reset"],
                    progress=self._line,
                    today=today,
                )
            else:
                if options["reset"]:
                    deleted = demo_province_reset(province=province)
                    self.stdout.write(f"Deleted the previous demo data of {province.name}: {deleted:,} units.")
                summary = demo_province_build(
                    province=province,
                    units=units or demo_default_units(province_code=province.code),
                    seed=seed,
                    today=today,
                )
                self._line(summary)
                summaries = [summary]
        except (ProtectedError, RestrictedError) as error:
            raise CommandError(
                f"The demo data cannot be deleted: other records still refer to it ({error.args[0]})."
            ) from error

        built = [summary for summary in summaries if summary.created]
        # Obstacle cases need the demo expert: only the province with the demo users gets them.
        cases = demo_cases_build(province=province, seed=seed, today=today) if built else None
        if cases and cases.cases:
            states = ", ".join(f"{state} {count:,}" for state, count in sorted(cases.states.items()))
            self.stdout.write(
                f"{province.name}: {cases.cases:,} obstacle cases ({states}), "
                f"{cases.referrals:,} referrals, {cases.events:,} history events"
            )
            self.stdout.write(
                f"{province.name}: {cases.meetings} HQ meetings, {cases.resolutions} resolutions, "
                f"{cases.commitments} commitments, {cases.objections} objections, "
                f"{cases.regulations} disruptive regulations"
            )
        # Monthly reports of the last months (after the users exist); also added to an earlier demo.
        reports = demo_reports_build(province=province, seed=seed, today=today)
        if reports.reports:
            states = ", ".join(f"{state} {count:,}" for state, count in sorted(reports.states.items()))
            self.stdout.write(
                f"{province.name}: {reports.reports:,} monthly reports ({states}), {reports.lines:,} product lines, "
                f"{reports.stopped} units that stopped reporting"
            )
            courses = ", ".join(f"{kind} {count:,}" for kind, count in sorted(reports.courses.items()))
            changes = ", ".join(f"{status} {count:,}" for status, count in sorted(reports.status_changes.items()))
            statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(reports.statuses.items()))
            self.stdout.write(
                f"{province.name}: distress simulation ({courses}), {reports.signals:,} agency signals, "
                f"status changes by the rules ({changes}); statuses of the units that are not closed now ({statuses})"
            )
        # Revival cases of idle and closed units (after the users exist); also added to an earlier demo.
        revived = demo_revival_build(province=province, seed=seed, today=today)
        if revived.cases:
            stages = ", ".join(f"{stage} {count}" for stage, count in sorted(revived.stages.items()))
            self.stdout.write(
                f"{province.name}: {revived.cases} revival cases ({stages}), {revived.jobs_restored} jobs restored"
            )
        # Field visits, planned and made, by the expert and the bank's liaison; also added to an earlier demo.
        visited = demo_visits_build(province=province, seed=seed, today=today)
        if visited.visits:
            flags = ", ".join(f"{flag} {count}" for flag, count in sorted(visited.flags.items()))
            self.stdout.write(f"{province.name}: {visited.visits} field visits ({flags})")
        # The Industry Needs Desk: needs, capabilities, proposals and exhibitions (after the cases);
        # also added to units generated by an earlier version that had no desk yet.
        desk = demo_desk_build(province=province, seed=seed, today=today)
        if desk.created:
            self._desk_lines(province.name, desk)
        if not built:
            if not desk.created:
                self.stdout.write(
                    self.style.WARNING(
                        "Demo data is already present; nothing was generated. Use --reset to rebuild it."
                    )
                )
            return
        total = sum(summary.units for summary in built)
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {total:,} units in {len(built)} province(s) in {time.monotonic() - started:.1f} s "
                f"(seed {seed})."
            )
        )
        users = [name for summary in built for name in summary.users]
        skipped = [name for summary in built for name in summary.skipped_users]
        if users:
            self.stdout.write(f"Demo logins ({', '.join(users)}), password «{DEMO_PASSWORD}».")
        if skipped:
            self.stdout.write(
                self.style.WARNING(f"Existing users left unchanged: {', '.join(skipped)} (of {len(DEMO_USERNAMES)}).")
            )

    def _desk_lines(self, name: str, desk: DemoDeskSummary) -> None:
        states = ", ".join(f"{state} {count:,}" for state, count in desk.states.items())
        self.stdout.write(
            f"{name}: {desk.needs:,} needs ({desk.confidential} confidential), {desk.capabilities:,} capabilities, "
            f"{desk.organisations} new organisations; {desk.proposals:,} proposals ({states}), "
            f"{desk.messages:,} messages, {desk.agreements} agreements ({desk.delivered} delivered)"
        )
        self.stdout.write(
            f"{name}: exhibitions {', '.join(desk.exhibitions)}: {desk.halls} halls, {desk.booths} booths, "
            f"{desk.exhibitors} exhibitors, {desk.visitors} visitors, {desk.meetings} B2B meetings; "
            "run `manage.py recompute_matches` for the matches."
        )

    def _line(self, summary: DemoSummary) -> None:
        if not summary.created:
            self.stdout.write(f"{summary.province}: demo data already present, skipped.")
            return
        statuses = summary.statuses
        self.stdout.write(
            f"{summary.province}: {summary.units:,} units "
            f"(active {statuses.get('active', 0):,}, semi-active {statuses.get('semi_active', 0):,}, "
            f"idle {statuses.get('idle', 0):,}, closed {statuses.get('closed', 0):,}; "
            f"{summary.exporters:,} exporters, {summary.knowledge_based:,} knowledge-based), "
            f"{summary.organisations:,} organisations, {summary.estates} estates and zones, "
            f"{summary.licences:,} licences, {summary.products:,} products, {summary.contacts:,} contacts "
            f"[{summary.seconds:.1f} s]"
        )
