#!/bin/sh
# Stands in for `aws cloudformation deploy`, which exits 255 when the stack is unchanged.
echo "Waiting for changeset to be created.."
sleep "$(awk "BEGIN { print 0.4 * ${STAND_IN_SCALE:-1} }")"
echo "No changes to deploy. Stack release-infra is up to date"
exit 255
