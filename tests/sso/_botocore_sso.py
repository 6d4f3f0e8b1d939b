"""botocore (PyPI) resolving an SSO profile's credentials the way boto3 does,
for tests/sso/interop_sdk_test.ts: Session(profile).get_credentials() (its
SSO provider and, for a session profile, its token provider, which refreshes
and writes back a token with less than 15 minutes left), then the frozen
keys. Reads the profile from argv[1]; HOME, AWS_CONFIG_FILE and the endpoint
variables come from the environment. Prints {"accessKeyId", "method"} as
JSON, or the error's class and text on stderr with exit 1."""
import json
import sys

import botocore.session

try:
    creds = botocore.session.Session(profile=sys.argv[1]).get_credentials()
    frozen = creds.get_frozen_credentials()
    json.dump({"accessKeyId": frozen.access_key, "method": creds.method}, sys.stdout)
except Exception as e:  # noqa: BLE001 - the test reads what failed
    sys.stderr.write(f"{type(e).__name__}: {e}\n")
    sys.exit(1)
