#!/usr/bin/env bash
# Install lianjian and run the main job on the embedded backend with the sample ledger.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e .
.venv/bin/lianjian validate data/sample
.venv/bin/lianjian stats data/sample
