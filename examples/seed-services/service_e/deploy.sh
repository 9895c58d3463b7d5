#!/bin/sh
# Stands in for the real deploy of service E (about 10 s in the original story; 1 s here).
echo "deploying service E from $(pwd | sed 's|.*/||') (image tag ${STAGERUN_HASH:-none})"
sleep ${DEPLOY_SECONDS:-1}
echo "service E is live"
