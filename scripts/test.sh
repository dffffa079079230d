#!/usr/bin/env bash
# Set everything up and run the whole suite: ruff, then pytest on SQLite (with the headless-Chromium
# browser tests), then pytest again on a throwaway PostgreSQL server. Exits non-zero if anything fails.
#
#   scripts/test.sh [PYTEST ARGS...]    extra arguments go to both pytest runs (e.g. -k api -x)
#   ROWNAQ_BROWSER_ON_POSTGRES=1        also run the browser tests in the PostgreSQL pass
#   ROWNAQ_TEST_WORKERS=N               pytest-xdist workers per pass (default 2, the machine's cores; 0: none)
#
# Needs root (or sudo) only to apt-get install PostgreSQL and Chromium when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# The SQLite pass must not pick up a DATABASE_URL from the caller's environment.
unset DATABASE_URL

say() { printf '\n==> %s\n' "$*"; }
now() { date +%s; }
timings=()
stage() { timings+=("$(printf '%-34s %4ss' "$1" "$2")"); }

# ---------------------------------------------------------------------------------------------
# System packages: PostgreSQL server and Chromium from Debian, installed only when missing.
t0=$(now)
find_pg_bin() {  # the newest /usr/lib/postgresql/N/bin that has the server (the client alone has no pg_ctl)
  local dir found=""
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then found=$dir; fi
  done
  echo "$found"
}
apt_packages=()
[ -n "$(find_pg_bin)" ] || apt_packages+=(postgresql)
command -v chromium >/dev/null || apt_packages+=(chromium)
command -v pdftotext >/dev/null || apt_packages+=(poppler-utils)  # reads the PDF reports back in tests
if [ "${#apt_packages[@]}" -gt 0 ]; then
  say "installing ${apt_packages[*]} with apt-get"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "test.sh: ${apt_packages[*]} missing and not root: install them first" >&2; exit 1; }
    sudo=(sudo -n)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi
pg_bin=$(find_pg_bin)
[ -n "$pg_bin" ] || { echo "test.sh: PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
ROWNAQ_CHROMIUM=$(command -v chromium) || { echo "test.sh: chromium not found on PATH" >&2; exit 1; }
export ROWNAQ_CHROMIUM
export ROWNAQ_REQUIRE_BROWSER=1  # a browser test that cannot find Chromium fails instead of skipping
stage "system packages (apt-get)" $(($(now) - t0))

# ---------------------------------------------------------------------------------------------
t0=$(now)
say "setting up (scripts/setup.sh --dev)"
bash scripts/setup.sh --dev
stage "setup (venv, pip, npm, migrate)" $(($(now) - t0))


# ---------------------------------------------------------------------------------------------
# pytest, with its closing line kept for the summary. Exit code 5 (no tests collected) is a failure.
logdir=$(mktemp -d "${TMPDIR:-/tmp}/rownaq-test.XXXXXX")
pg_dir=""
pg_ctl_as_owner=()
cleanup() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    "${pg_ctl_as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$pg_dir" ] && rm -rf "$pg_dir"
  rm -rf "$logdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

results=()
failed=0
total_passed=0
total_failed=0
total_skipped=0
run_pytest() {  # run_pytest LABEL [ARGS...]
  local label=$1 log="$logdir/$1.log" rc start
  shift
  start=$(now)
  set +e
  .venv/bin/python -m pytest -q -rfEs -n "${ROWNAQ_TEST_WORKERS:-2}" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  local summary
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|errors?|deselected|xfailed|xpassed)|no tests ran' "$log" | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
  local passed failed_n skipped errors
  passed=$(grep -oE '[0-9]+ passed' <<<"$summary" | cut -d' ' -f1 || true)
  failed_n=$(grep -oE '[0-9]+ failed' <<<"$summary" | cut -d' ' -f1 || true)
  errors=$(grep -oE '[0-9]+ errors?' <<<"$summary" | cut -d' ' -f1 || true)
  skipped=$(grep -oE '[0-9]+ skipped' <<<"$summary" | cut -d' ' -f1 || true)
  total_passed=$((total_passed + ${passed:-0}))
  total_failed=$((total_failed + ${failed_n:-0} + ${errors:-0}))
  total_skipped=$((total_skipped + ${skipped:-0}))
  local verdict=OK
  if [ "$rc" = 5 ]; then
    verdict="FAILED (no tests were collected)"
  elif [ "$rc" != 0 ]; then
    verdict="FAILED (pytest exit code $rc)"
  fi
  [ "$rc" = 0 ] || failed=1
  stage "pytest on $label" $(($(now) - start))
  results+=("$(printf '%-11s %s: %s' "$label" "$verdict" "${summary:-no summary line}")")
}

# Lint first; a lint failure fails the run but the tests still run, so one CI run reports everything.
t0=$(now)
say "ruff check ."
if .venv/bin/ruff check .; then
  results+=("ruff        OK")
else
  results+=("ruff        FAILED (see above; \`.venv/bin/ruff check --fix .\` fixes some)")
  failed=1
fi
stage "ruff check" $(($(now) - t0))

t0=$(now)
say "mypy (Django and DRF plugins)"
if .venv/bin/mypy rownaq conftest.py benchmarks; then
  results+=("mypy        OK")
else
  results+=("mypy        FAILED (see above)")
  failed=1
fi
stage "mypy" $(($(now) - t0))

say "pytest on SQLite (with the browser tests, Chromium at $ROWNAQ_CHROMIUM)"
run_pytest SQLite "$@"

# ---------------------------------------------------------------------------------------------
t0=$(now)
  say "starting a throwaway PostgreSQL ($("$pg_bin/postgres" --version))"
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/rownaq-pg.XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root: the server runs as the postgres user in a folder it owns.
    chown postgres: "$pg_dir"
    chmod 700 "$pg_dir"
    pg_ctl_as_owner=(runuser -u postgres --)
  fi
  pg_port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${pg_ctl_as_owner[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >"$logdir/initdb.log" 2>&1 \
    || { cat "$logdir/initdb.log" >&2; echo "test.sh: initdb failed" >&2; exit 1; }
  "${pg_ctl_as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$pg_dir/server.log" >&2; echo "test.sh: PostgreSQL did not start" >&2; exit 1; }
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U app rownaq
  stage "PostgreSQL initdb and start" $(($(now) - t0))

  pg_args=()
  [ "${ROWNAQ_BROWSER_ON_POSTGRES:-}" = 1 ] || pg_args=(-m "not browser")
  say "pytest on PostgreSQL (127.0.0.1:$pg_port${pg_args:+, browser tests ran in the SQLite pass})"
  DATABASE_URL="postgres://app@127.0.0.1:$pg_port/rownaq" run_pytest PostgreSQL "${pg_args[@]}" "$@"

  t0=$(now)
  "${pg_ctl_as_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null
  stage "PostgreSQL stop" $(($(now) - t0))

# ---------------------------------------------------------------------------------------------
say "summary"
for line in "${timings[@]}"; do echo "  $line"; done
echo
for line in "${results[@]}"; do echo "$line"; done
if [ "$failed" = 0 ]; then
  echo "ALL TEST RUNS PASSED"
else
  echo "SOME TEST RUNS FAILED"
fi
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$failed"
