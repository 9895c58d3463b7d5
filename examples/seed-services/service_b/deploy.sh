#!/bin/sh
# Stands in for the real deploy of service B (about 10 s in the original story; 1 s here).
echo "deploying service B from $(pwd | sed 's|.*/||') (image tag ${STAGERUN_HASH:-none})"
sleep ${DEPLOY_SECONDS:-1}
echo "service B is live"
