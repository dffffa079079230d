#!/usr/bin/env bash
# Set Rownaq up, load the demo province once, and serve it with gunicorn plus the background worker.
#
#   PORT=8000 (default)   the port on 127.0.0.1 to serve on
#   WEB_CONCURRENCY=3     gunicorn worker processes
# Other settings (DATABASE_URL, DEBUG, SECRET_KEY, ...) are read from the environment by
# rownaq/settings.py; with none set the data lives in var/rownaq.sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8000}
host=127.0.0.1

if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "run.sh: something is already listening on $host:$port; choose another port, e.g. PORT=8001 make run" >&2
  exit 1
fi

bash scripts/setup.sh

echo "==> loading the demo province (skipped if already loaded)"
.venv/bin/python manage.py seed_demo
echo "==> computing the Industry Needs Desk's matches"
.venv/bin/python manage.py recompute_matches

worker_pid=""
scheduler_pid=""
web_pid=""
stop() {
  trap - EXIT INT TERM HUP
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null || true
  [ -n "$scheduler_pid" ] && kill "$scheduler_pid" 2>/dev/null || true
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  echo "==> Rownaq stopped"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Both servers run in their own session (setsid), so Ctrl+C reaches only this script, which then
# stops them gracefully with SIGTERM instead of interrupting requests and tasks half-way.
echo "==> starting the background worker"
setsid .venv/bin/python manage.py db_worker --queue-name '*' --no-reload -v 0 &
worker_pid=$!

echo "==> starting the scheduler (periodic tasks, e.g. escalating overdue referrals)"
setsid .venv/bin/python manage.py run_scheduler -v 0 &
scheduler_pid=$!

echo "==> starting the web server"
setsid .venv/bin/gunicorn rownaq.wsgi \
  --bind "$host:$port" \
  --workers "${WEB_CONCURRENCY:-3}" \
  --timeout 120 \
  --log-level warning \
  --error-logfile - &
web_pid=$!

# Wait until the server answers (up to 30 s) before telling anyone where it is.
for _ in $(seq 1 60); do
  if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then break; fi
  kill -0 "$web_pid" 2>/dev/null || { echo "run.sh: the web server did not start" >&2; exit 1; }
  sleep 0.5
done

cat <<EOF

  Rownaq (رونق) is running at  http://$host:$port/
  API documentation:           http://$host:$port/api/docs

  Demo logins, all with the password  rownaq-demo
    admin       system administrator                          مدیر سامانه
    deputy      governorate deputy for economic affairs       معاون اقتصادی استانداری
    expert      expert of the Industry, Mine and Trade Org.   کارشناس سازمان صنعت، معدن و تجارت
    bank        bank liaison (an executive agency)            رابط بانک (دستگاه اجرایی)
    tax         tax administration liaison                    رابط اداره کل امور مالیاتی
    manager     manager of a production unit                  مدیر واحد تولیدی
    university  university / knowledge-based firm member      عضو دانشگاه یا شرکت دانش‌بنیان
    investor    investor                                      سرمایه‌گذار

  Press Ctrl+C to stop.

EOF

# Serve until the web server exits or we are told to stop; either way stop() ends both processes.
wait "$web_pid"
