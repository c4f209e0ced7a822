"""Starts moto's server (same arguments as `moto_server`) with the fixes chicory-aws's tests need.

With authentication on, plain moto 5.2.5 checks signatures and the caller's identity policies,
but several of its gaps would let tests pass that fail against AWS, or fail tests that pass
there. `scripts/probe_moto.py --spawn vanilla` / `--spawn launcher` shows each one. This launcher
patches moto in memory (moto's files are untouched):

1. Trust policies of sts:AssumeRole are evaluated here, as AWS does (moto's own evaluation
   ignored a StringEquals key missing from the request, so AssumeRole *without* the External
   ID passed; denied a caller named in the 2nd statement when the 1st named someone else; did
   not expand `arn:aws:iam::<acct>:root`; crashed with HTTP 500 on a `Service` principal; and
   let anyone assume a role that does not exist). Now:
   - the role must exist (in the account of its ARN), else AccessDenied;
   - the caller's identity policies must allow sts:AssumeRole on the role (moto's evaluator;
     AWS also needs this cross-account, the vendor's case);
   - the trust policy must have an applying Allow and no applying Deny. A statement applies
     when its Action matches, its Principal matches the caller (`*`; `arn:aws:iam::<acct>:root`
     or the bare account id: any principal of that account; a user ARN: that user; a role ARN:
     sessions of that role; an assumed-role session ARN: that session) and all its
     Conditions hold (AWS's rules: a key missing from the request fails every operator but
     the negated ones, `...IfExists` and `Null`; an unknown operator fails);
   - a request with SourceIdentity also needs the trust policy to allow sts:SetSourceIdentity,
     one with session Tags sts:TagSession (the caller's identity policies are not asked for
     these two, a leniency: cross-account AWS asks them too).
   Context keys: sts:ExternalId, sts:SourceIdentity, sts:RoleSessionName, aws:PrincipalArn,
   aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:RequestTag/<key>, aws:TagKeys
   (multi-valued: ForAllValues holds when every key matches, or there are none; ForAnyValue
   when one does). Others (aws:PrincipalOrgID, ...)
   are absent, so a condition on them fails, as for a principal outside any organization.
   Denial: HTTP 403 AccessDenied, "User: <caller arn> is not authorized to perform:
   sts:AssumeRole on resource: <role arn>", as STS says it.
2. DurationSeconds is validated (900 up to the role's MaxSessionDuration; ValidationError).
3. Session expiry: a request signed with an assumed-role session after its Expiration fails
   with ExpiredToken (moto never checked). Sessions of a role tagged
   `chicory:test-session-seconds = N` last N seconds whatever DurationSeconds asked (moto has
   no clock control), so a test can outlive several sessions in real time.
4. Error bodies of the authentication errors in the shape each protocol's SDK parses: query
   services (STS, IAM, CloudFormation) `<ErrorResponse><Error><Code>` (moto added an `<Errors>`
   level); JSON services (Glue, Athena) `{"__type": ...}` with their codes
   (AccessDeniedException, UnrecognizedClientException, InvalidSignatureException,
   ExpiredTokenException; moto sent XML, so the SDKs saw no code at all); S3 `<Error><Code>`
   for ExpiredToken.
5. Identity-policy Resource elements for requests whose resource moto does not compute (it
   passes `*` for Glue, Athena, ...: every statement with an ARN Resource was skipped, so a
   resource-scoped policy denied everything). Such a statement now applies as if its Resource
   matched: the action decides, the resource scope is not enforced there (S3 and IAM roles,
   whose resource moto knows, are still matched by ARN).
6. Inline role policies created by CloudFormation (`Policies` of AWS::IAM::Role) are kept as
   parsed documents where moto's evaluator expects JSON text: every request of such a role
   failed with HTTP 500. The evaluator takes both.
7. Deleting a CloudFormation stack with an AWS::IAM::ManagedPolicy attached to its role failed
   (DeleteConflict: moto never detached the policy). The policy now detaches and goes first.
8. S3 HeadBucket was authorized as `s3:HeadBucket`, which is not an IAM action: a role holding
   `s3:ListBucket` (what AWS checks for HeadBucket) was denied. It is now `s3:ListBucket`.
9. Athena `BatchGetQueryExecution` was missing (HTTP 500 after the IAM check), and the query
   history is read with it (`ListQueryExecutions`, then one batch per page of ids): the query
   activity, popularity and lineage scanners could not be run end to end. It is added to
   moto's Athena responses class, where moto dispatches an action by its snake_case name after
   authenticating and authorizing it (so `athena:BatchGetQueryExecution` is checked against the
   caller's policies like every other action). It answers the API model's shape:
   `QueryExecutions`, each the object `GetQueryExecution` returns for the id (built by moto's own
   `get_query_execution`, so the two never differ), in the order asked, and
   `UnprocessedQueryExecutionIds` (`QueryExecutionId`, `ErrorCode` InvalidRequestException,
   `ErrorMessage` "QueryExecution <id> was not found") for ids moto does not know. 1-50 ids, as
   the API allows; otherwise InvalidRequestException (HTTP 400).

Usage: python scripts/moto_launcher.py -H 127.0.0.1 -p 5055
"""

from __future__ import annotations

import datetime
import json
import re
import sys

from xmltodict import unparse

from moto.core import exceptions as core_exceptions
from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import AccessDeniedError, _RESTError
from moto.athena import responses as athena_responses
from moto.core.utils import utcnow
from moto.iam import access_control
from moto.iam.access_control import IAMPolicy, IAMRequestBase, PermissionResult, S3IAMRequest
from moto.iam import models as iam_models
from moto.iam.models import iam_backends
from moto.s3 import responses as s3_responses
from moto.sts import models as sts_models
from moto.sts.exceptions import STSValidationError
from moto.utilities.utils import get_partition

SESSION_TAG = "chicory:test-session-seconds"


# --- 1. trust policies ------------------------------------------------------------------------


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


_OPERATORS = {
    "StringEquals": lambda a, vs: any(a == v for v in vs),
    "StringNotEquals": lambda a, vs: all(a != v for v in vs),
    "StringEqualsIgnoreCase": lambda a, vs: any(a.lower() == v.lower() for v in vs),
    "StringNotEqualsIgnoreCase": lambda a, vs: all(a.lower() != v.lower() for v in vs),
    "StringLike": lambda a, vs: any(_glob(v, a) for v in vs),
    "StringNotLike": lambda a, vs: not any(_glob(v, a) for v in vs),
    "ArnEquals": lambda a, vs: any(a == v for v in vs),
    "ArnLike": lambda a, vs: any(_glob(v, a) for v in vs),
    "ArnNotEquals": lambda a, vs: all(a != v for v in vs),
    "ArnNotLike": lambda a, vs: not any(_glob(v, a) for v in vs),
    "Bool": lambda a, vs: any(a.lower() == v.lower() for v in vs),
}
_NEGATED = {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}


def _condition_holds(operator: str, key: str, expected, context: dict) -> bool:
    qualifier, _, op = operator.rpartition(":")  # ForAnyValue: / ForAllValues:
    if_exists = op.endswith("IfExists")
    op = op[: -len("IfExists")] if if_exists else op
    values = [str(v) for v in _as_list(expected)]
    actual = context.get(key.lower())
    if op == "Null":
        return (actual is None) == (values[0].lower() == "true")
    check = _OPERATORS.get(op)
    if qualifier == "ForAllValues":  # every request value matches; true when there are none
        return check is not None and all(check(a, values) for a in _as_list(actual or []))
    if qualifier == "ForAnyValue":  # some request value matches; false when there are none
        return check is not None and any(check(a, values) for a in _as_list(actual or []))
    if actual is None:
        return if_exists or op in _NEGATED
    return check is not None and check(actual, values)


def _principal_matches(statement: dict, caller: dict) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False  # NotPrincipal and malformed principals: never match
    for p in _as_list(principal.get("AWS", [])):
        if p == "*" or p in caller["arns"]:
            return True
        if p == caller["account"] or p == f"arn:{caller['partition']}:iam::{caller['account']}:root":
            return True
    return False  # Service / Federated / CanonicalUser principals are not IAM callers


def _action_matches(statement: dict, action: str) -> bool:
    if "NotAction" in statement:
        return not any(_glob(a, action, True) for a in _as_list(statement["NotAction"]))
    return any(_glob(a, action, True) for a in _as_list(statement.get("Action", [])))


def _trust_allows(document, action: str, caller: dict, context: dict) -> bool:
    if isinstance(document, str):
        document = json.loads(document)
    allowed = False
    for st in _as_list(document.get("Statement", [])):
        applies = (
            _action_matches(st, action)
            and _principal_matches(st, caller)
            and all(
                _condition_holds(op, key, expected, context)
                for op, pairs in (st.get("Condition") or {}).items()
                for key, expected in pairs.items()
            )
        )
        if applies and st.get("Effect") == "Deny":
            return False
        allowed = allowed or (applies and st.get("Effect") == "Allow")
    return allowed


def _find_role(role_arn: str, region: str):
    try:
        account = role_arn.split(":")[4]
        if account not in iam_backends:  # do not create accounts by looking
            return None
        return iam_backends[account][get_partition(region)].get_role_by_arn(role_arn)
    except Exception:
        return None


def _caller(request: IAMRequestBase) -> dict:
    key = request._access_key
    partition = get_partition(request._region)
    arns = [key.arn]
    kind = "User"
    if isinstance(key, access_control.AssumedRoleAccessKey):
        kind = "AssumedRole"
        for assumed in sts_models.sts_backends[key.account_id][partition].assumed_roles:
            if assumed.access_key_id == key._access_key_id:
                arns.insert(0, assumed.role_arn)  # the role's ARN: aws:PrincipalArn
    return {"arns": arns, "account": key.account_id, "partition": partition, "type": kind}


_original_check_action_permitted = IAMRequestBase.check_action_permitted


def _check_action_permitted(self: IAMRequestBase, resource: str) -> None:
    if self._action != "sts:AssumeRole":
        return _original_check_action_permitted(self, resource)
    caller = _caller(self)

    def deny():
        raise AccessDeniedError(user_arn=caller["arns"][-1], action=f"sts:AssumeRole on resource: {resource}")

    identity = [IAMPolicy(p).is_action_permitted(self._action, resource) for p in self._access_key.collect_policies()]
    if PermissionResult.DENIED in identity or PermissionResult.PERMITTED not in identity:
        deny()
    role = _find_role(resource, self._region)
    if role is None:
        deny()
    data = {k: (v[0] if isinstance(v, list) else v) for k, v in self._data.items()}
    context = {
        "aws:principalarn": caller["arns"][0],
        "aws:principalaccount": caller["account"],
        "aws:principaltype": caller["type"],
    }
    if caller["type"] == "User":
        context["aws:username"] = caller["arns"][0].split("/")[-1]
    for param, key in (("ExternalId", "sts:externalid"), ("SourceIdentity", "sts:sourceidentity"),
                       ("RoleSessionName", "sts:rolesessionname")):
        if data.get(param) is not None:
            context[key] = data[param]
    tags = {data[k]: data.get(k[: -len(".Key")] + ".Value", "") for k in data if re.fullmatch(r"Tags\.member\.\d+\.Key", k)}
    for k, v in tags.items():
        context[f"aws:requesttag/{k.lower()}"] = v
    if tags:
        context["aws:tagkeys"] = list(tags)
    document = role.assume_role_policy_document
    if not _trust_allows(document, "sts:AssumeRole", caller, context):
        deny()
    if "sts:sourceidentity" in context and not _trust_allows(document, "sts:SetSourceIdentity", caller, context):
        deny()
    if tags and not _trust_allows(document, "sts:TagSession", caller, context):
        deny()


IAMRequestBase.check_action_permitted = _check_action_permitted


# --- 2. and 3. session durations and expiry ----------------------------------------------------


class ExpiredTokenError(_RESTError):
    code = 400

    def __init__(self) -> None:
        super().__init__("ExpiredToken", "The security token included in the request is expired")


def _tag_list(tags):
    # moto keeps role tags as a list of {"Key", "Value"}, other resources as a dict of them
    return tags.values() if isinstance(tags, dict) else tags


_original_assume_role = sts_models.STSBackend.assume_role


def _assume_role(self, region_name, role_session_name, role_arn, policy, duration, external_id):
    role = _find_role(role_arn, region_name)  # exists: the trust check above denied otherwise
    max_duration = int(getattr(role, "max_session_duration", None) or 3600)
    if duration < 900 or duration > 43200:
        raise STSValidationError(
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to "
            "satisfy constraint: Member must have value "
            + ("greater than or equal to 900" if duration < 900 else "less than or equal to 43200")
        )
    if duration > max_duration:
        raise STSValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    session = _original_assume_role(
        self, region_name, role_session_name, role_arn, policy, duration, external_id
    )
    seconds = next(
        (int(t["Value"]) for t in _tag_list(getattr(role, "tags", None) or []) if t["Key"] == SESSION_TAG),
        None,
    )
    if seconds is not None:
        session.expiration = utcnow() + datetime.timedelta(seconds=seconds)
    return session


sts_models.STSBackend.assume_role = _assume_role

_original_key_init = access_control.AssumedRoleAccessKey.__init__


def _key_init(self, account_id, partition, access_key_id, headers):
    _original_key_init(self, account_id, partition, access_key_id, headers)
    for assumed in sts_models.sts_backends[account_id][partition].assumed_roles:
        if assumed.access_key_id == access_key_id and assumed.expiration < utcnow():
            raise ExpiredTokenError()


access_control.AssumedRoleAccessKey.__init__ = _key_init


# --- 4. error shapes ---------------------------------------------------------------------------


def _query_error_shape(cls):
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
    _query_error_shape(_cls)

# (code, HTTP status) a JSON-protocol service answers for each authentication error
_JSON_ERRORS = {
    "AccessDenied": ("AccessDeniedException", 400),
    "InvalidClientTokenId": ("UnrecognizedClientException", 400),
    "SignatureDoesNotMatch": ("InvalidSignatureException", 403),
    "ExpiredToken": ("ExpiredTokenException", 400),
}

_original_authenticate = ActionAuthenticatorMixin._authenticate_and_authorize_action


def _authenticate(self, iam_request_cls, resource="*"):
    try:
        _original_authenticate(self, iam_request_cls, resource)
    except _RESTError as e:
        headers = self.headers
        code = getattr(e, "error_type", None)
        if iam_request_cls is S3IAMRequest:
            if code == "ExpiredToken":
                e.description = unparse(
                    {"Error": {"Code": code, "Message": e.message, "RequestId": "moto"}},
                    full_document=True,
                )
        elif code in _JSON_ERRORS and (
            headers.get("X-Amz-Target")
            or (headers.get("Content-Type") or "").startswith("application/x-amz-json")
        ):
            e.error_type, e.code = _JSON_ERRORS[code]
            e.description = json.dumps({"__type": e.error_type, "message": e.message})
        raise


ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate


# --- 5. identity-policy resources moto does not compute ----------------------------------------

_original_element_matches = access_control.IAMPolicyStatement._check_element_matches


def _element_matches(self, element, value):
    if element == "Resource" and value == "*":
        return True
    return _original_element_matches(self, element, value)


access_control.IAMPolicyStatement._check_element_matches = _element_matches


# --- 6. CloudFormation inline role policies ----------------------------------------------------

_original_policy_init = IAMPolicy.__init__


def _policy_init(self, policy):
    if isinstance(policy, dict) and "policy_document" not in policy and "Statement" in policy:
        policy = json.dumps(policy)
    _original_policy_init(self, policy)


IAMPolicy.__init__ = _policy_init


# --- 7. CloudFormation AWS::IAM::ManagedPolicy deletion -------------------------------------


def _managed_policy_delete(self, account_id, region_name):
    backend = iam_backends[account_id][get_partition(region_name)]
    for holder in (*backend.roles.values(), *backend.users.values(), *backend.groups.values()):
        if self.arn in holder.managed_policies:
            self.detach_from(holder)
    backend.delete_policy(self.arn)


iam_models.ManagedPolicy.delete = _managed_policy_delete

# 8. HeadBucket is authorized as s3:ListBucket.
s3_responses.ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "ListBucket"


# --- 9. Athena BatchGetQueryExecution ---------------------------------------------------------


def _batch_get_query_execution(self):
    ids = self._get_param("QueryExecutionIds") or []
    if not isinstance(ids, list) or not 1 <= len(ids) <= 50:
        return self.error(
            "1 validation error detected: Value at 'queryExecutionIds' failed to satisfy "
            "constraint: Member must have length less than or equal to 50 and greater than or "
            "equal to 1",
            400,
        )
    backend = self.athena_backend
    executions, unprocessed = [], []
    for exec_id in ids:
        if exec_id not in backend.executions:
            unprocessed.append(
                {
                    "QueryExecutionId": exec_id,
                    "ErrorCode": "InvalidRequestException",
                    "ErrorMessage": f"QueryExecution {exec_id} was not found",
                }
            )
            continue
        # moto's GetQueryExecution for this one id (it reads the id with _get_param): the same
        # object, and the same state progression a GetQueryExecution would make.
        self._get_param = lambda name, if_none=None, _id=exec_id: (
            _id if name == "QueryExecutionId" else if_none
        )
        try:
            executions.append(json.loads(self.get_query_execution())["QueryExecution"])
        finally:
            del self._get_param  # the class's method again
    return json.dumps(
        {"QueryExecutions": executions, "UnprocessedQueryExecutionIds": unprocessed}
    )


athena_responses.AthenaResponse.batch_get_query_execution = _batch_get_query_execution


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
