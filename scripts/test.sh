#!/usr/bin/env bash
# The whole suite: Python (pytest, which also writes the parity fixtures vitest reads), then TypeScript (vitest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
.venv/bin/python -m pytest -q training/tests
npx vitest run
