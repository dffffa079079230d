"""Monitoring benchmark: the dashboard, completeness, report list and watch list at national scale on PostgreSQL.

    .venv/bin/python benchmarks/monitoring.py [--pgdata DIR] [--runs N] [--months 60]

It starts a PostgreSQL server of its own (``benchmarks/pg.py``; with ``--pgdata DIR`` its data folder is kept
and reused by the next run), builds the national demo data set (31 provinces, about 90,000 units) and adds
``--months`` Jalali months of monthly reports per unit up to the last reportable month (about 5.4 million
rows for 60 months) by one SQL statement per slice of units: figures follow each unit's size and a
utilisation of its own with monthly noise, about 4% of months are missing, and closed units stopped
reporting a year ago; last month's risk scores are written for the units not idle or closed (the pages read
them, the model is timed by `backtest_early_warning`). Product lines are not generated (the pages read the
reports' derived utilisation).
Then it times, through Django's test client (middleware, views, templates, queries), each page as a Qom
expert and as national staff, and beside each the raw SQL of the same aggregation, printing the 50th and
95th percentiles. With DATABASE_URL set it uses that database instead of starting one.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pg import postgres  # noqa: E402  (benchmarks/ is the script's folder: first on sys.path)


def percentiles(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """The 50th and 95th percentiles of ``runs`` calls, in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2], samples[min(len(samples) - 1, math.ceil(0.95 * len(samples)) - 1)]


REPORTS_SQL = """
INSERT INTO monitoring_monthlyreport
    (unit_id, year, month, state, sales, exports, employees, electricity_kwh, gas_m3, raw_material_days,
     overdue_wage_months, insurance_debt, returned_cheques, returned_cheques_amount, utilisation, on_behalf,
     submitted_at, is_late, return_reason, version, created_at, updated_at)
SELECT u.id, m / 12, m %% 12 + 1, 'approved',
       (greatest(u.employees, 1)::bigint * 350000000 * util / 100)::bigint,
       CASE WHEN u.id %% 7 = 0 THEN (greatest(u.employees, 1)::bigint * 60000000 * util / 100)::bigint ELSE 0 END,
       greatest(0, u.employees + (u.id + m) %% 5 - 2),
       (greatest(u.employees, 1)::bigint * 900 * util / 100)::bigint,
       (greatest(u.employees, 1)::bigint * 300 * util / 100)::bigint,
       10 + (u.id * 3 + m) %% 40,
       CASE WHEN util < 30 THEN (u.id + m) %% 3 ELSE 0 END,
       CASE WHEN util < 30 THEN greatest(u.employees, 1)::bigint * 20000000 ELSE 0 END,
       CASE WHEN util < 25 AND (u.id + m) %% 4 = 0 THEN 1 ELSE 0 END,
       CASE WHEN util < 25 AND (u.id + m) %% 4 = 0 THEN 2500000000 ELSE 0 END,
       util, false, now(), false, '', 1, now(), now()
FROM registry_unit u
CROSS JOIN generate_series(%(first)s, %(last)s) AS m
CROSS JOIN LATERAL (
    SELECT round(greatest(0, least(110,
        20 + (u.id * 37) %% 70 + ((u.id * 7 + m * 13) %% 21) - 10
        - CASE WHEN u.status IN ('idle', 'closed') THEN 60 ELSE 0 END)), 1)::numeric AS util
) AS figures
WHERE u.id BETWEEN %(low)s AND %(high)s
  AND (u.id * 31 + m * 17) %% 100 >= 4
  AND NOT (u.status = 'closed' AND m > %(last)s - 12)
ON CONFLICT DO NOTHING
"""


def build_reports(months: int) -> tuple[int, float]:
    """Add ``months`` months of reports per unit (those a unit has already are kept); returns the total rows."""
    from django.db import connection

    from rownaq.monitoring.figures import month_index
    from rownaq.monitoring.models import MonthlyReport
    from rownaq.monitoring.services import last_reportable_month

    last = month_index(last_reportable_month())
    first = last - months + 1
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM registry_unit")
        low, high = cursor.fetchone()
        step = 5_000
        for start in range(low, high + 1, step):
            cursor.execute(REPORTS_SQL, {"first": first, "last": last, "low": start, "high": start + step - 1})
            done = min(high, start + step - 1) - low + 1
            print(f"\r  reports: units {done:,} of {high - low + 1:,}", end="", flush=True)
        print()
        cursor.execute("ANALYZE")
    return MonthlyReport.objects.count(), time.perf_counter() - started


SCORES_SQL = """
INSERT INTO monitoring_riskscore (unit_id, year, month, score, reasons, computed_at, model_version)
SELECT u.id, %(year)s, %(month)s, ((u.id * 7919) %% 1000) / 1000.0,
       '[{"code": "returned_cheques", "params": {"count": 2, "year": 1405, "month": 2}}]'::jsonb, now(), 'benchmark'
FROM registry_unit u WHERE u.status NOT IN ('idle', 'closed')
ON CONFLICT DO NOTHING
"""


def build_scores() -> None:
    """Last month's risk scores of the units not idle or closed (as the monthly scoring leaves them; the
    benchmark times the pages that read them, not the model)."""
    from django.db import connection

    from rownaq.monitoring.services import last_reportable_month

    month = last_reportable_month()
    with connection.cursor() as cursor:
        cursor.execute(SCORES_SQL, {"year": month.year, "month": month.number})


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pgdata", help="keep PostgreSQL's data in this folder and reuse it on the next run")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()

    server = nullcontext(os.environ["DATABASE_URL"]) if "DATABASE_URL" in os.environ else postgres(args.pgdata)
    with server as url:
        os.environ["DATABASE_URL"] = url
        run(args)


def run(args: Any) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rownaq.settings")
    os.environ["ROWNAQ_MANIFEST_STATIC"] = "0"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="rownaq-bench-media-")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from rownaq.accounts.models import Role, User
    from rownaq.monitoring.figures import month_index
    from rownaq.monitoring.models import MonthlyReport
    from rownaq.monitoring.services import last_reportable_month
    from rownaq.registry.models import Unit

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Unit.objects.count() < 80_000:
        print("building the national demo data set (once per --pgdata folder)")
        call_command("seed_demo", national=True, stdout=io.StringIO())
    units_seconds = time.perf_counter() - started
    reports = MonthlyReport.objects.count()
    reports_seconds = 0.0
    if reports < Unit.objects.count() * args.months * 0.8:
        reports, reports_seconds = build_reports(args.months)
    build_scores()

    expert = User.objects.get(username="expert")
    national, _created = User.objects.get_or_create(
        username="bench-national", defaults={"role": Role.SMT_EXPERT, "is_superuser": False}
    )
    clients = {"expert": Client(), "national": Client()}
    clients["expert"].force_login(expert)
    clients["national"].force_login(national)
    qom_province = expert.province_id
    month = last_reportable_month()
    window_first = month_index(month) - 11

    def page(who: str, path: str) -> Callable[[], object]:
        def call() -> object:
            response = clients[who].get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    def sql(statement: str, params: dict[str, Any]) -> Callable[[], object]:
        def call() -> object:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall()

        return call

    province_filter = "AND c.province_id = %(province)s"
    month_counts = """
        SELECT r.state, count(*) FROM monitoring_monthlyreport r
        JOIN registry_unit u ON u.id = r.unit_id JOIN geography_county c ON c.id = u.county_id
        WHERE r.year = %(year)s AND r.month = %(month)s {where} GROUP BY r.state"""
    completeness = """
        SELECT c.id, r.year, r.month, count(*) FROM monitoring_monthlyreport r
        JOIN registry_unit u ON u.id = r.unit_id JOIN geography_county c ON c.id = u.county_id
        WHERE r.year * 12 + r.month - 1 >= %(first)s AND r.state <> 'draft' {where}
        GROUP BY c.id, r.year, r.month"""
    report_page = """
        SELECT r.id, u.name, r.year, r.month, r.state FROM monitoring_monthlyreport r
        JOIN registry_unit u ON u.id = r.unit_id JOIN geography_county c ON c.id = u.county_id
        WHERE true {where} ORDER BY r.year DESC, r.month DESC, r.unit_id LIMIT 50"""
    params = {"province": qom_province, "year": month.year, "month": month.number, "first": window_first}

    cases: list[tuple[str, str, str, str]] = [
        ("dashboard, Qom expert", "expert", "/monitoring/", month_counts.format(where=province_filter)),
        (
            "completeness by county, Qom expert",
            "expert",
            "/monitoring/completeness/",
            completeness.format(where=province_filter),
        ),
        (
            "report list, Qom expert, first page",
            "expert",
            "/monitoring/reports/",
            report_page.format(where=province_filter),
        ),
        ("report list, national staff, first page", "national", "/monitoring/reports/", report_page.format(where="")),
    ]
    cases.insert(
        1,
        (
            "dashboard, national staff, whole country",
            "national",
            "/monitoring/?province=all",
            month_counts.format(where=""),
        ),
    )
    watch_page = """
        SELECT s.unit_id, s.score, s.reasons, u.name FROM monitoring_riskscore s
        JOIN registry_unit u ON u.id = s.unit_id JOIN geography_county c ON c.id = u.county_id
        WHERE s.year = %(year)s AND s.month = %(month)s {where} ORDER BY s.score DESC, s.unit_id LIMIT 50"""
    watch = reverse("monitoring-watch-list")
    cases.append(("watch list, Qom expert", "expert", watch, watch_page.format(where=province_filter)))

    print(f"# Rownaq monitoring benchmark, {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()},")
    server = f"{connection.vendor} {getattr(connection, 'pg_version', '')}"
    print(f"# {os.cpu_count()} cores, Python {platform.python_version()}, {server}")
    print(
        f"units: {Unit.objects.count():,} (built or found in {units_seconds:.0f} s); monthly reports: {reports:,}"
        + (f" (built in {reports_seconds:.0f} s)" if reports_seconds else "")
    )
    print(f"{'what':46} {'p50 ms':>8} {'p95 ms':>8} {'raw SQL p95':>12} {'ratio':>6}")
    for label, who, path, statement in cases:
        p50, p95 = percentiles(page(who, path), args.runs)
        _raw50, raw95 = percentiles(sql(statement, params), args.runs)
        print(f"{label:46} {p50:8.1f} {p95:8.1f} {raw95:12.1f} {p95 / raw95 if raw95 else 0:6.1f}")


if __name__ == "__main__":
    main()
