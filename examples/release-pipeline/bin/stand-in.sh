#!/bin/sh
# Stands in for a real step: prints what it does, takes its time, ends as asked.
#   stand-in.sh "what it does" SECONDS [EXIT_CODE]
# STAND_IN_SCALE multiplies every duration (0.1 makes the whole pipeline ten times quicker).
what=$1
seconds=$(awk "BEGIN { print $2 * ${STAND_IN_SCALE:-1} }")
echo "$what…"
sleep "$seconds"
echo "$what: done"
exit "${3:-0}"
