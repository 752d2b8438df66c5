#!/usr/bin/env bash
# Trains the demo bundle from scratch: knowledge base, the three recipe stages, the no-ASKG ablation, int8 export.
#   npm run train                       # full recipe (training/configs/recipe-demo.json)
#   npm run train -- --threads 1        # extra flags go to python -m training.train
#   npm run train -- --no-time-budget   # every planned stage-3 step, even past the recipe's 60 minutes
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/python-env.sh
[ -f build/kb/questions/stats.json ] || npm run kb:build
export PYTHONPATH="$PWD"
exec .venv/bin/python -m training.train \
  --recipe training/configs/recipe-demo.json --kb build/kb --work build/train \
  --bundle models/ra-blip-mini --ablation-bundle models/ablations/no-askg --quantize int8 "$@"
