"""Starts moto's server with two additions the chicory-aws tests need.

moto already enforces IAM when authentication is on: signatures, identity policies, role
permission policies, and role trust policies with `sts:ExternalId` conditions. Two gaps
matter to the tests, and this launcher closes them without touching moto's files:

0. Trust-policy conditions: moto ignores a `StringEquals` condition whose key the request
   lacks, so AssumeRole *without* an External ID passes a trust policy that requires one.
   AWS denies it (a missing key does not equal anything). Patched to AWS's rule; the
   `sts:SourceIdentity` key is passed to conditions too.

1. Session expiry: a request signed with an assumed-role session after its Expiration fails
   with `ExpiredToken` (HTTP 400), as AWS does.
2. Short sessions for tests: sessions of a role tagged `chicory:test-session-seconds = N`
   last N seconds instead of the requested DurationSeconds, so a test can outlive several
   sessions in real time. Roles without the tag behave as in AWS.
3. Error bodies of the authentication errors (SignatureDoesNotMatch, InvalidClientTokenId,
   AccessDenied, ExpiredToken) in the shape AWS query services send,
   `<ErrorResponse><Error><Code>..`; moto wraps them in an extra `<Errors>` element that
   the AWS SDKs for Rust cannot read, so the error code would be lost.
4. Inline role policies created by CloudFormation (`Policies` of AWS::IAM::Role): moto keeps
   them as parsed documents where its policy evaluator expects JSON text, and every request of
   such a role failed with HTTP 500. The evaluator now takes both.

Usage: python scripts/moto_launcher.py -H 127.0.0.1 -p 5055   (same arguments as moto_server)
"""

import datetime
import json
import sys

from xmltodict import unparse

from moto.core import exceptions as core_exceptions
from moto.core.exceptions import _RESTError
from moto.core.utils import utcnow
from moto.iam import access_control
from moto.iam.models import iam_backends
from moto.sts import models as sts_models
from moto.utilities.utils import get_partition

SESSION_TAG = "chicory:test-session-seconds"


class ExpiredTokenError(_RESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("ExpiredToken", "The security token included in the request is expired")


def _check_conditions(self, incoming):
    """AWS semantics for StringEquals: every key must be present and equal one of the values."""
    conditions = self._statement.get("Condition") or {}
    incoming = incoming or {}
    for operator, pairs in conditions.items():
        if operator != "StringEquals":
            continue  # other operators: moto's behaviour (not evaluated)
        for key, expected in pairs.items():
            expected = expected if isinstance(expected, list) else [expected]
            if key not in incoming or incoming[key] not in expected:
                return False
    return True


access_control.IAMPolicyStatement._check_conditions = _check_conditions

_original_incoming = access_control.format_incoming_conditional_values


def _incoming(data):
    values = _original_incoming(data)
    if "SourceIdentity" in data:
        values["sts:SourceIdentity"] = data["SourceIdentity"][0]
    return values


access_control.format_incoming_conditional_values = _incoming

_original_policy_init = access_control.IAMPolicy.__init__


def _policy_init(self, policy):
    if isinstance(policy, dict) and "policy_document" not in policy and "Statement" in policy:
        policy = json.dumps(policy)
    _original_policy_init(self, policy)


access_control.IAMPolicy.__init__ = _policy_init

_original_assume_role = sts_models.STSBackend.assume_role


def _tag_list(tags):
    # moto keeps role tags as a list of {"Key", "Value"}, other resources as a dict of them
    return tags.values() if isinstance(tags, dict) else tags


def _assume_role(self, region_name, role_session_name, role_arn, policy, duration, external_id):
    role = _original_assume_role(
        self, region_name, role_session_name, role_arn, policy, duration, external_id
    )
    try:
        account_id = role_arn.split(":")[4]
        iam_role = iam_backends[account_id][get_partition(region_name)].get_role_by_arn(role_arn)
        seconds = next(
            (int(t["Value"]) for t in _tag_list(iam_role.tags) if t["Key"] == SESSION_TAG), None
        )
    except Exception:  # the role may not exist; moto allows that and so do we
        seconds = None
    if seconds is not None:
        role.expiration = utcnow() + datetime.timedelta(seconds=seconds)
    return role


sts_models.STSBackend.assume_role = _assume_role

_original_key_init = access_control.AssumedRoleAccessKey.__init__


def _key_init(self, account_id, partition, access_key_id, headers):
    _original_key_init(self, account_id, partition, access_key_id, headers)
    for assumed in sts_models.sts_backends[account_id][partition].assumed_roles:
        if assumed.access_key_id == access_key_id and assumed.expiration < utcnow():
            raise ExpiredTokenError()


access_control.AssumedRoleAccessKey.__init__ = _key_init



def _aws_error_shape(cls):
    original = cls.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.description = unparse(
            {
                "ErrorResponse": {
                    "Error": {"Type": "Sender", "Code": self.error_type, "Message": self.message},
                    "RequestId": "moto",
                }
            },
            full_document=True,
        )

    cls.__init__ = init


for _cls in (
    core_exceptions.SignatureDoesNotMatchError,
    core_exceptions.InvalidClientTokenIdError,
    core_exceptions.AccessDeniedError,
    ExpiredTokenError,
):
    _aws_error_shape(_cls)

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
