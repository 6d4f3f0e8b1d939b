"""botocore's default credential chain set up as the AWS CLI sets it up (its
role cache, ~/.aws/cli/cache, for assume-role and web identity), for the
profile given as the first argument (explicitly, as --profile) or the
environment's (test dependency only). Prints {"method", "accessKeyId",
"expiration"} as JSON, or the error and exit 1. Run it with
AWS_EC2_METADATA_DISABLED=true: it must never reach the instance metadata
service."""
import json
import os
import sys
import traceback

import botocore.session
from botocore.credentials import JSONFileCache

try:
    if os.environ.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true":
        raise RuntimeError("set AWS_EC2_METADATA_DISABLED=true")
    profile = sys.argv[1] if len(sys.argv) > 1 else None
    session = botocore.session.Session(profile=profile)
    resolver = session.get_component("credential_provider")
    cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    resolver.get_provider("assume-role").cache = cache
    resolver.get_provider("assume-role-with-web-identity").cache = cache
    creds = session.get_credentials()
    if creds is None:
        raise RuntimeError("no credentials")
    frozen = creds.get_frozen_credentials()
    expiry = getattr(creds, "_expiry_time", None)
    print(json.dumps({
        "method": creds.method,
        "accessKeyId": frozen.access_key,
        "expiration": expiry.isoformat() if expiry else None,
    }))
except Exception as e:  # noqa: BLE001
    if os.environ.get("TRACEBACK"):
        traceback.print_exc()
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
