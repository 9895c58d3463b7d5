#!/bin/sh
# Stands in for a smoke test that is flaky while the load balancer warms up: the first
# attempt fails, a retry passes. stagerun tells a task which attempt it is.
echo "GET https://staging.example.com/health (attempt ${STAGERUN_ATTEMPT:-1})"
sleep "$(awk "BEGIN { print 0.3 * ${STAND_IN_SCALE:-1} }")"
if [ "${STAGERUN_ATTEMPT:-1}" -lt 2 ]; then
  echo "502 Bad Gateway: the load balancer is still warming up" >&2
  exit 1
fi
echo "200 OK"
