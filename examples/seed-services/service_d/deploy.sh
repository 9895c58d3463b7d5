#!/bin/sh
# Stands in for the real deploy of service D (about 10 s in the original story; 1 s here).
echo "deploying service D from $(pwd | sed 's|.*/||') (image tag ${STAGERUN_HASH:-none})"
sleep ${DEPLOY_SECONDS:-1}
echo "service D is live"
