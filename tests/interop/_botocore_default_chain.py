"""botocore's default credential chain (test dependency only), for the
profile given as the first argument or the environment's: prints the method
and the access key id it found as JSON, or the error and exit 1."""
import json
import sys

import botocore.session

try:
    profile = sys.argv[1] if len(sys.argv) > 1 else None
    creds = botocore.session.Session(profile=profile).get_credentials()
    if creds is None:
        raise RuntimeError("no credentials")
    print(json.dumps({
        "method": creds.method,
        "accessKeyId": creds.get_frozen_credentials().access_key,
    }))
except Exception as e:  # noqa: BLE001
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
