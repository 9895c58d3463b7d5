#!/bin/sh
# A stand-in for `docker build -t "$1:$STAGERUN_HASH" . && docker push`: the "registry" is a file.
set -eu
registry="$(dirname "$0")/../.registry"
mkdir -p "$registry"
test -f dist/index.js || { echo "no dist/index.js: build first" >&2; exit 1; }
echo "$1:$STAGERUN_HASH" >> "$registry/images.txt"
echo "pushed $1:$STAGERUN_HASH"
