"""botocore (PyPI, test dependency only) against the emulator's IAM Identity
Center, reached through AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO and
AWS_ENDPOINT_URL_STS: botocore's own sso-oidc and sso clients (their error
parsing, the paginators), then its SSO credential provider and token provider
on a token file written as the AWS CLI writes it, 10 minutes from expiry, so
that botocore refreshes it. Needs an auto-approving emulator with the role
arn:aws:iam::444455556666:role/Deploy. Prints what it saw as JSON."""
import datetime
import hashlib
import json
import os
import sys
import urllib.request

import botocore.session
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

START_URL = "https://d-1234567890.awsapps.com/start"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
out = {}


def error(e):
    return [e.response["Error"]["Code"], e.response["Error"].get("Message", ""),
            e.response["ResponseMetadata"]["HTTPStatusCode"]]


unsigned = Config(signature_version=UNSIGNED)
plain = botocore.session.Session()
oidc = plain.create_client("sso-oidc", region_name="us-east-1", config=unsigned)
reg = oidc.register_client(clientName="botocore-client-my-sso", clientType="public",
                           scopes=["sso:account:access"])
dev = oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                      startUrl=START_URL)
try:
    oidc.create_token(grantType=DEVICE, clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                      deviceCode=dev["deviceCode"])
except oidc.exceptions.AuthorizationPendingException as e:
    out["pending"] = [error(e)[0], e.response["error"], e.response["error_description"]]
try:
    oidc.start_device_authorization(clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                                    startUrl="https://d-9999999999.awsapps.com/start")
except oidc.exceptions.InvalidRequestException as e:
    out["badStartUrl"] = error(e)
# A browser opens the link; the emulator approves at once.
urllib.request.urlopen(dev["verificationUriComplete"]).read()
token = oidc.create_token(grantType=DEVICE, clientId=reg["clientId"], clientSecret=reg["clientSecret"],
                          deviceCode=dev["deviceCode"])
out["expiresIn"] = token["expiresIn"]
out["hasRefreshToken"] = "refreshToken" in token

# The token file as `aws sso login` writes it, due for a refresh.
folder = os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))
os.makedirs(folder, exist_ok=True)
path = os.path.join(folder, hashlib.sha1(b"my-sso").hexdigest() + ".json")
fmt = "%Y-%m-%dT%H:%M:%SZ"
now = datetime.datetime.now(datetime.timezone.utc)
with open(path, "w") as f:
    f.write(json.dumps({
        "startUrl": START_URL, "region": "us-east-1", "accessToken": token["accessToken"],
        "expiresAt": (now + datetime.timedelta(minutes=10)).strftime(fmt),
        "clientId": reg["clientId"], "clientSecret": reg["clientSecret"],
        "registrationExpiresAt": datetime.datetime.fromtimestamp(
            reg["clientSecretExpiresAt"], datetime.timezone.utc).strftime(fmt),
        "refreshToken": token["refreshToken"],
    }))

session = botocore.session.Session(profile="dev")
creds = session.get_credentials()
out["method"] = creds.method
creds.get_frozen_credentials()
out["arn"] = session.create_client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
with open(path) as f:
    written = json.load(f)
out["refreshed"] = written["accessToken"] != token["accessToken"]
out["rotated"] = written.get("refreshToken") not in (None, token["refreshToken"])
chain = botocore.session.Session(profile="chain")
out["chainArn"] = chain.create_client("sts", region_name="us-east-1").get_caller_identity()["Arn"]

at = written["accessToken"]
sso = session.create_client("sso", region_name="us-east-1", config=unsigned)
out["accounts"] = [a["accountId"] for page in sso.get_paginator("list_accounts").paginate(
    accessToken=at, PaginationConfig={"PageSize": 1}) for a in page["accountList"]]
out["roles"] = [r["roleName"] for page in sso.get_paginator("list_account_roles").paginate(
    accessToken=at, accountId="444455556666", PaginationConfig={"PageSize": 1})
    for r in page["roleList"]]
for name, token_value, role in [("forbidden", at, "Nope"), ("unauthorized", "nope", "Admin")]:
    try:
        sso.get_role_credentials(roleName=role, accountId="111122223333", accessToken=token_value)
    except ClientError as e:
        out[name] = error(e)
sso.logout(accessToken=at)
try:
    sso.get_role_credentials(roleName="Admin", accountId="111122223333", accessToken=at)
except sso.exceptions.UnauthorizedException as e:
    out["afterLogout"] = error(e)
json.dump(out, sys.stdout)
