"""Registry benchmark: page and export times on the national data set, and a 10,000-row Excel import.

    .venv/bin/python benchmarks/registry.py [--db PATH] [--runs N]

It builds (or reuses, with --db pointing at an existing file) an SQLite database holding the
national demo data set (31 provinces, about 90,000 units), then times, through Django's test client
(the full request path: middleware, views, templates, queries), each page as the people who use it
see it, the CSV and Excel exports, and the import of a generated 10,000-row workbook through the real
background worker (check, then commit). With DATABASE_URL set it runs on that database instead.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and worst of ``runs`` calls, in milliseconds (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "rownaq-bench.sqlite3"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--import-rows", type=int, default=10_000)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{args.db}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rownaq.settings")
    os.environ["ROWNAQ_MANIFEST_STATIC"] = "0"
    media = tempfile.mkdtemp(prefix="rownaq-bench-media-")
    os.environ["MEDIA_ROOT"] = media

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    from rownaq.accounts.models import Role, User
    from rownaq.registry.models import Unit

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Unit.objects.count() < 80_000:
        call_command("seed_demo", national=True, stdout=io.StringIO())
    build_seconds = time.perf_counter() - started
    units = Unit.objects.count()

    expert = User.objects.get(username="expert")
    qom_unit = Unit.objects.filter(county__province__code="25").order_by("pk").first()
    assert qom_unit is not None, "the demo data set has no unit in Qom"
    national, _created = User.objects.get_or_create(
        username="bench-national", defaults={"role": Role.SMT_EXPERT, "is_superuser": False}
    )
    expert_client, national_client = Client(), Client()
    expert_client.force_login(expert)
    national_client.force_login(national)

    def get(client: Client, path: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        return call

    print(f"# Rownaq registry benchmark, {time.strftime('%Y-%m-%d')}, {platform.processor() or platform.machine()},")
    print(f"# {os.cpu_count()} cores, Python {platform.python_version()}, database {os.environ['DATABASE_URL']}")
    print(f"units in the database: {units:,} (built or found in {build_seconds:.1f} s)")
    print(f"{'what':62} {'median ms':>10} {'max ms':>10}")
    cases = [
        ("province overview, Qom expert (2,500 units)", expert_client, "/"),
        ("province overview, national staff, Tehran", national_client, "/?province=23"),
        ("unit list, Qom expert, first page sorted by Persian name", expert_client, "/units/"),
        ("unit list, national staff, all 90,000 units, first page", national_client, "/units/"),
        ("unit list, national staff, search «فرش» (Arabic-free)", national_client, "/units/?q=%D9%81%D8%B1%D8%B4"),
        (
            "unit list, national staff, search «كاشي» (Arabic letters)",
            national_client,
            "/units/?q=%D9%83%D8%A7%D8%B4%D9%8A",
        ),
        ("unit list, national staff, idle textile units", national_client, "/units/?status=idle&sector=13"),
        ("unit list, national staff, expired licences, page 20", national_client, "/units/?licence=expired&page=20"),
        (
            "unit page, Qom expert",
            expert_client,
            f"/units/{qom_unit.pk}/",
        ),
        ("export CSV, Qom expert (2,500 units)", expert_client, "/units/export.csv"),
        ("export Excel, Qom expert (2,500 units)", expert_client, "/units/export.xlsx"),
    ]
    for label, client, path in cases:
        runs = max(3, args.runs // 3) if "export" in label else args.runs
        median, worst = timed(get(client, path), runs)
        print(f"{label:62} {median:10.1f} {worst:10.1f}")

    import_benchmark(expert_client, args.import_rows)


def import_benchmark(client: object, rows: int) -> None:
    """Upload a generated workbook, let the real worker check it, confirm, let the worker commit it."""
    import signal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from openpyxl import Workbook

    from rownaq.registry.models import ImportBatch, ImportState, Unit
    from rownaq.registry.spreadsheet import COLUMNS
    from rownaq.registry.validators import national_id_check_digit

    def worker() -> None:
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    Unit.objects.filter(national_id__startswith="19").delete()  # units of an earlier run
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([column.header for column in COLUMNS])
    for serial in range(rows):
        first_ten = f"19{serial:06d}77"
        values = {
            "name": f"واحد آزمایشی شماره {serial}",
            "national_id": first_ten + str(national_id_check_digit(first_ten)),
            "sector": ["1393", "1520", "3100", "2393", "1073"][serial % 5],
            "county": "قم",
            "status": ["فعال", "نیمه‌فعال", "راکد"][serial % 3],
            "status_since": "1402/07/01",
            "employees": serial % 200,
        }
        sheet.append([values.get(column.key, "") for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("bench.xlsx", buffer.getvalue())

    start = time.perf_counter()
    response = client.post("/imports/new/", {"file": upload})  # type: ignore[attr-defined]
    assert response.status_code == 302, response.content[:500]
    batch = ImportBatch.objects.latest("pk")
    worker()
    checked = time.perf_counter()
    batch.refresh_from_db()
    assert batch.state == ImportState.VALIDATED, (batch.state, batch.error_message, batch.problems[:3])
    client.post(f"/imports/{batch.pk}/commit/")  # type: ignore[attr-defined]
    worker()
    done = time.perf_counter()
    batch.refresh_from_db()
    assert batch.state == ImportState.COMMITTED, (batch.state, batch.error_message)
    print(f"{f'Excel import of {rows:,} rows: upload and check':62} {(checked - start) * 1000:10.0f}")
    print(
        f"{f'Excel import of {rows:,} rows: commit ({batch.new_rows:,} new units)':62} {(done - checked) * 1000:10.0f}"
    )
    Unit.objects.filter(national_id__startswith="19").delete()


if __name__ == "__main__":
    main()
