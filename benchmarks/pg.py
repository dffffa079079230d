"""A PostgreSQL server for the benchmarks that need one: the Debian server binaries (as ``make test`` uses
them), in a data folder of its own, on a free port of 127.0.0.1, started and stopped by the script.

With ``keep`` the folder outlives the run (``--pgdata DIR`` in the scripts), so the national data set is
built once and reused by the next runs.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(
        (Path(d) for d in glob.glob("/usr/lib/postgresql/*/bin") if (Path(d) / "pg_ctl").exists()),
        key=lambda p: int(p.parent.name),
    )
    if not found:
        raise SystemExit("PostgreSQL server binaries not found under /usr/lib/postgresql: run `make test` once")
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres(pgdata: str | None = None) -> Iterator[str]:
    """Start PostgreSQL (initialising ``pgdata`` when new) and yield its DATABASE_URL; stop it afterwards."""
    bin_dir = _bin_dir()
    as_owner: list[str] = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    keep = pgdata is not None
    folder = Path(pgdata or tempfile.mkdtemp(prefix="rownaq-bench-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if as_owner:
        shutil.chown(folder, "postgres")
        folder.chmod(0o700)
    data = folder / "data"
    fresh = not data.exists()
    if fresh:
        subprocess.run(
            [*as_owner, str(bin_dir / "initdb"), "-D", str(data), "-U", "app", "--auth=trust", "-E", "UTF8",
             "--locale=C.UTF-8"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    port = _free_port()
    options = (
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c work_mem=32MB"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_wal_size=4GB"
    )
    subprocess.run(
        [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60",
         "-o", options, "start"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        if fresh:
            subprocess.run(
                [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "app", "rownaq"], check=True
            )
        yield f"postgres://app@127.0.0.1:{port}/rownaq"
    finally:
        subprocess.run(
            [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
