#!/usr/bin/env bash
# Runs the AWS CLI v2 from a source checkout of aws/aws-cli's v2 branch, with
# this folder's stand-ins for the packages it needs that are not installed
# (awscrt, distro, ruamel.yaml). Usage:
#   AWS_SIGNIN_AWSCLI_V2=/path/to/aws-cli dev/awscli_v2/run.sh sso login --profile dev
# Give it a sandbox HOME (or AWS_CONFIG_FILE) unless you mean your own ~/.aws.
set -euo pipefail
src=${AWS_SIGNIN_AWSCLI_V2:?set AWS_SIGNIN_AWSCLI_V2 to an AWS CLI v2 source checkout}
[ -f "$src/awscli/__init__.py" ] || { echo "no awscli/ package in $src" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
export PYTHONPATH="$src:$here/py" PYTHONDONTWRITEBYTECODE=1
exec "${AWS_SIGNIN_PYTHON:-python3}" -m awscli "$@"
