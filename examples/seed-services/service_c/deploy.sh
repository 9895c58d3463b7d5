#!/bin/sh
# Stands in for the real deploy of service C (about 10 s in the original story; 1 s here).
echo "deploying service C from $(pwd | sed 's|.*/||') (image tag ${STAGERUN_HASH:-none})"
sleep ${DEPLOY_SECONDS:-1}
echo "service C is live"
