#!/usr/bin/env bash
# Set Rownaq up on this machine; safe to run again and again.
#
#   scripts/setup.sh          what the platform needs to run
#   scripts/setup.sh --dev    and what the tests, linter and type checker need
#
# Creates .venv (with python3) if missing, installs the pinned requirements when they changed,
# installs the front-end assets, migrates the database that DATABASE_URL names (SQLite in var/
# by default), loads the reference data and collects the static files.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
for arg in "$@"; do
  case "$arg" in
    --dev) dev=1 ;;
    *) echo "setup.sh: unknown option $arg (only --dev)" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*"; }

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  command -v "$python" >/dev/null || { echo "setup.sh: $python not found; Rownaq needs Python 3.11 or newer" >&2; exit 1; }
  "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
    || { echo "setup.sh: $("$python" --version 2>&1) is too old; Rownaq needs Python 3.11 or newer" >&2; exit 1; }
  say "creating .venv with $("$python" --version 2>&1)"
  rm -rf .venv
  "$python" -m venv .venv
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

# Install requirements only when they (or the Python) changed since the last successful install.
requirements=requirements.txt
[ "$dev" = 1 ] && requirements=requirements-dev.txt
stamp=.venv/.rownaq-installed-$(cat requirements.txt "$requirements" <(.venv/bin/python --version) | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  say "installing Python packages from $requirements"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  rm -f .venv/.rownaq-installed-*
  # The dev set includes the runtime set, so its stamp satisfies a later plain setup too.
  touch "$stamp"
  if [ "$dev" = 1 ]; then
    touch ".venv/.rownaq-installed-$(cat requirements.txt requirements.txt <(.venv/bin/python --version) | sha256sum | cut -c1-16)"
  fi
else
  say "Python packages already installed ($requirements)"
fi

# Front-end assets: npm ci and copy, only when the lock file or the copy script changed.
assets_stamp=rownaq/core/static/vendor/.rownaq-assets-$(cat package-lock.json scripts/assets.sh | sha256sum | cut -c1-16)
if [ ! -f "$assets_stamp" ]; then
  command -v npm >/dev/null || { echo "setup.sh: npm not found; install Node.js (apt-get install nodejs npm)" >&2; exit 1; }
  say "installing front-end assets"
  bash scripts/assets.sh
  touch "$assets_stamp"
else
  say "front-end assets already installed"
fi

# Translations: compile a .po whose .mo is missing or older (GNU gettext's msgfmt, as Django does).
shopt -s nullglob
for po in locale/*/LC_MESSAGES/*.po rownaq/*/locale/*/LC_MESSAGES/*.po; do
  mo=${po%.po}.mo
  if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then
    if command -v msgfmt >/dev/null; then
      say "compiling $po"
      msgfmt --check-format -o "$mo" "$po"
    else
      echo "setup.sh: warning: $po is not compiled and msgfmt is missing (apt-get install gettext)" >&2
    fi
  fi
done
shopt -u nullglob

mkdir -p var
say "migrating the database"
.venv/bin/python manage.py migrate --noinput -v 0
say "loading reference data (provinces, counties, ISIC sectors)"
.venv/bin/python manage.py load_reference_data -v 0
say "collecting static files"
.venv/bin/python manage.py collectstatic --noinput -v 0
say "setup done"
