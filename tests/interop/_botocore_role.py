"""botocore's side of the role-cache interop tests (test dependency only).

  key ROLE_ARN EXTRA_JSON    the cache key botocore's AssumeRoleCredentialFetcher computes
  resolve PROFILE            resolve PROFILE's credentials as the AWS CLI does
                             (JSONFileCache in ~/.aws/cli/cache) and print them as JSON
  assume ROLE_ARN            call AssumeRole with the environment's credentials at
                             AWS_ENDPOINT_URL_STS and print what botocore parsed
"""
import json
import os
import sys

import botocore.credentials
import botocore.session
from botocore.credentials import AssumeRoleCredentialFetcher, JSONFileCache


class _CryptographyEC:
    """Stands in for awscrt's EC (not installable here), which botocore's
    login provider requires: the few calls it makes, on `cryptography`."""

    class _Key:
        def __init__(self, key):
            self._key = key

        def get_public_coords(self):
            n = self._key.public_key().public_numbers()
            return n.x.to_bytes(32, "big"), n.y.to_bytes(32, "big")

        def sign(self, digest):
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec, utils
            return self._key.sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))

    @classmethod
    def new_key_from_der_data(cls, der):
        from cryptography.hazmat.primitives.serialization import load_der_private_key
        return cls._Key(load_der_private_key(der, password=None))

    @staticmethod
    def decode_der_signature_to_padded_pair(signature, pad_to=32):
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        r, s = decode_dss_signature(signature)
        return r.to_bytes(pad_to, "big") + s.to_bytes(pad_to, "big")


if botocore.credentials.EC is None:
    botocore.credentials.EC = _CryptographyEC

mode = sys.argv[1]
if mode == "key":
    extra = json.loads(sys.argv[3])
    fetcher = AssumeRoleCredentialFetcher(
        client_creator=None,
        source_credentials=None,
        role_arn=sys.argv[2],
        extra_args=extra,
    )
    print(fetcher._cache_key)
elif mode == "resolve":
    session = botocore.session.Session(profile=sys.argv[2])
    provider = session.get_component("credential_provider").get_provider("assume-role")
    provider.cache = JSONFileCache(os.path.expanduser(os.path.join("~", ".aws", "cli", "cache")))
    creds = session.get_credentials()
    frozen = creds.get_frozen_credentials()
    print(json.dumps({
        "method": creds.method,
        "accessKeyId": frozen.access_key,
        "secretAccessKey": frozen.secret_key,
        "sessionToken": frozen.token,
    }))
elif mode == "assume":
    session = botocore.session.Session()
    client = session.create_client("sts", region_name="us-east-1")
    out = client.assume_role(RoleArn=sys.argv[2], RoleSessionName="botocore")
    print(json.dumps({
        "AccessKeyId": out["Credentials"]["AccessKeyId"],
        "Expiration": out["Credentials"]["Expiration"].isoformat(),
        "Arn": out["AssumedRoleUser"]["Arn"],
        "AssumedRoleId": out["AssumedRoleUser"]["AssumedRoleId"],
    }))
else:
    sys.exit(f"unknown mode {mode}")
