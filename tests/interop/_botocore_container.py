"""botocore's container credential provider (test dependency only): reads
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN and
prints the credentials it gets as JSON, or the error and exit 1."""
import json
import os
import sys

from botocore.credentials import ContainerProvider
from botocore.utils import ContainerMetadataFetcher

try:
    fetcher = ContainerMetadataFetcher(sleep=lambda _: None)
    creds = ContainerProvider(environ=os.environ, fetcher=fetcher).load()
    frozen = creds.get_frozen_credentials()
    print(json.dumps({
        "accessKeyId": frozen.access_key,
        "secretAccessKey": frozen.secret_key,
        "sessionToken": frozen.token,
        "method": creds.method,
    }))
except Exception as e:  # noqa: BLE001
    print(f"{type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
