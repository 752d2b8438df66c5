#!/usr/bin/env bash
# Creates .venv from the pinned training/requirements.txt once; re-installs only when the requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(sha256sum training/requirements.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
echo "python-env: installing training/requirements.txt into .venv (first run takes a few minutes)" >&2
python3 -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q -r training/requirements.txt
echo "$want" > "$stamp"
