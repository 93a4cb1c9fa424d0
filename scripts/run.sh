#!/usr/bin/env bash
# Install lianjian and run the main job on the embedded backend with the sample ledger:
# validate it, then serve the dashboard on http://127.0.0.1:8501 (Ctrl+C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e .
.venv/bin/lianjian validate data/sample
exec .venv/bin/lianjian dashboard data/sample "$@"
