# Rownaq: `make run` serves the demo province, `make test` runs the whole suite (SQLite + PostgreSQL).
.PHONY: run test setup lint format typecheck

run:  ## set up, load the demo province and serve on http://127.0.0.1:$${PORT:-8000}/
	bash scripts/run.sh

test:  ## set up and run ruff, then pytest on SQLite (with browser tests) and on a throwaway PostgreSQL
	bash scripts/test.sh

setup:  ## install and migrate only (with the dev tools)
	bash scripts/setup.sh --dev

lint:  ## ruff, as CI runs it
	bash scripts/setup.sh --dev >/dev/null
	.venv/bin/ruff check .

format:  ## reformat with ruff
	.venv/bin/ruff format .

typecheck:  ## mypy with the Django and DRF plugins
	bash scripts/setup.sh --dev >/dev/null
	.venv/bin/mypy rownaq
