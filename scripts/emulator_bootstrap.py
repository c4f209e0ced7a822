"""Bootstraps IAM enforcement on a fresh moto server and writes .emulator/state.json.

Creates the admin user `chicory-admin` (allowed everything) and its access key while moto
still accepts unauthenticated requests, then turns authentication and authorization on
(`POST /moto-api/reset-auth` with body `0`: no more unauthenticated actions).

moto reads that body as `float(request.data.decode())` (moto/moto_api/_internal/responses.py)
and authenticates every request once its request counter reaches the number: `0` means from
now on. The body must not be sent as a form (`curl -d` does): werkzeug then parses it into
`request.form`, `request.data` is empty and moto fails with HTTP 500.
"""

import json
import os
import sys
import urllib.request

import boto3

endpoint, state_path = sys.argv[1], sys.argv[2]
region = "us-east-1"
kw = dict(
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id="bootstrap",
    aws_secret_access_key="bootstrap",
)
iam = boto3.client("iam", **kw)
iam.create_user(UserName="chicory-admin")
iam.put_user_policy(
    UserName="chicory-admin",
    PolicyName="Admin",
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="chicory-admin")["AccessKey"]
account_id = boto3.client("sts", **kw).get_caller_identity()["Account"]

req = urllib.request.Request(
    f"{endpoint}/moto-api/reset-auth",
    data=b"0",
    method="POST",
    headers={"Content-Type": "text/plain"},  # a form type would hide the body from moto
)
urllib.request.urlopen(req).read()

# Authentication is on now: the admin key must work.
admin = boto3.client(
    "sts",
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"],
)
admin.get_caller_identity()

# Written whole and renamed into place: a concurrent reader never sees half a file.
tmp = f"{state_path}.{os.getpid()}.tmp"
with open(tmp, "w") as f:
    json.dump(
        {
            "endpoint": endpoint,
            "region": region,
            "account_id": account_id,
            "admin_access_key_id": key["AccessKeyId"],
            "admin_secret_access_key": key["SecretAccessKey"],
            # which launcher and pins the server runs (scripts/emulator.sh restarts on a change)
            "fingerprint": os.environ.get("CHICORY_EMULATOR_FINGERPRINT", ""),
        },
        f,
        indent=2,
    )
os.replace(tmp, state_path)
print(f"moto with IAM enforcement at {endpoint} (account {account_id})")
