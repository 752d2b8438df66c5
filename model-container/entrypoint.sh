#!/bin/sh
# SageMaker starts the image as `docker run IMAGE serve`; anything else runs as a command (e.g. `sh` to debug).
set -eu
if [ "${1:-serve}" = "serve" ]; then
  exec node /app/dist/server.mjs
fi
exec "$@"
