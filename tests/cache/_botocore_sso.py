"""What botocore itself computes and writes for the SSO caches, for
tests/cache/sso_botocore_test.ts: token file names and bytes through
SSOTokenLoader and JSONFileCache with the SSO serializer, role credentials
through SSOCredentialFetcher (a stand-in portal client), and the registration
key by the expression of the AWS CLI's BaseSSOTokenFetcher (not in PyPI
botocore). Reads {"dir": ..., "tokens": [...], "roles": [...],
"registrations": [...]} on stdin; prints the results as JSON."""

import datetime
import hashlib
import json
import os
import sys

from botocore.credentials import SSOCredentialFetcher
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader

UTC = datetime.timezone.utc


def when(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, UTC)


def token_case(case, cache_dir):
    cache = JSONFileCache(cache_dir, dumps_func=_sso_json_dumps)
    loader = SSOTokenLoader(cache=cache)
    key = loader._generate_cache_key(case["startUrl"], case.get("sessionName"))
    token = {
        "startUrl": case["startUrl"],
        "region": case["region"],
        "accessToken": case["accessToken"],
        "expiresAt": when(case["expiresAtMs"]),
        "clientId": case["clientId"],
        "clientSecret": case["clientSecret"],
        "registrationExpiresAt": case["registrationExpiresAt"],
    }
    if "refreshToken" in case:
        token["refreshToken"] = case["refreshToken"]
    loader.save_token(case["startUrl"], token, session_name=case.get("sessionName"))
    with open(os.path.join(cache_dir, key + ".json"), encoding="utf-8") as f:
        return {"key": key, "bytes": f.read()}


def read_ours(case, cache_dir):
    loader = SSOTokenLoader(cache=JSONFileCache(cache_dir))
    token = loader(case["startUrl"], session_name=case.get("sessionName"))
    return {"accessToken": token["accessToken"], "expiresAt": token["expiresAt"]}


class Portal:
    class exceptions:
        class UnauthorizedException(Exception):
            pass

    def __init__(self, creds):
        self.creds = creds

    def get_role_credentials(self, **kwargs):
        return {"roleCredentials": self.creds}


def role_case(case, cache_dir):
    cache = JSONFileCache(cache_dir)
    creds = {
        "accessKeyId": case["accessKeyId"],
        "secretAccessKey": case["secretAccessKey"],
        "sessionToken": case["sessionToken"],
        "expiration": case["expirationMs"],
    }
    fetcher = SSOCredentialFetcher(
        case["startUrl"],
        "us-east-1",
        case["roleName"],
        case["accountId"],
        lambda *a, **k: Portal(creds),
        token_loader=lambda start_url: {
            "accessToken": "at",
            "expiresAt": "2999-01-01T00:00:00Z",
        },
        cache=cache,
        sso_session_name=case.get("sessionName"),
    )
    fetcher.feature_ids = set()
    key = fetcher._create_cache_key()
    fetcher.fetch_credentials()
    with open(os.path.join(cache_dir, key + ".json"), encoding="utf-8") as f:
        return {"key": key, "bytes": f.read()}


def registration_case(case):
    args = {
        "tool": "botocore",
        "startUrl": case["startUrl"],
        "region": case["region"],
        "scopes": case["scopes"],
        "session_name": case["sessionName"],
    }
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode("utf-8")).hexdigest()


def main():
    spec = json.load(sys.stdin)
    out = {"tokens": [], "ours": [], "roles": [], "registrations": []}
    for i, case in enumerate(spec["tokens"]):
        out["tokens"].append(token_case(case, os.path.join(spec["dir"], f"bc-token-{i}")))
    for case in spec.get("ours", []):
        out["ours"].append(read_ours(case, case["dir"]))
    for i, case in enumerate(spec["roles"]):
        out["roles"].append(role_case(case, os.path.join(spec["dir"], f"bc-role-{i}")))
    for case in spec["registrations"]:
        out["registrations"].append(registration_case(case))
    json.dump(out, sys.stdout)


main()
