"""What the local AWS emulator (moto, IAM enforcement on) enforces, compared with AWS.

Rerunnable evidence for the emulator notes in the README and for scripts/moto_launcher.py.
Every check prints what the server answered (error code and HTTP status) next to what AWS
answers; `info` lines record behaviour without an AWS verdict (limitations, account ids).

    .venv/bin/python scripts/probe_moto.py                    # the running emulator (.emulator/state.json)
    .venv/bin/python scripts/probe_moto.py --spawn launcher   # a private server: scripts/moto_launcher.py
    .venv/bin/python scripts/probe_moto.py --spawn vanilla    # a private server: plain moto_server
    ... --json                                                # results as JSON lines

A spawned server runs on a free 127.0.0.1 port, is bootstrapped by emulator_bootstrap.py (admin
user, then authentication on) and is stopped at the end; the shared emulator is not touched.
Against the shared emulator the probe only adds users, roles, stacks and buckets with unique
names. Exit status: 0 when every check matches AWS, 1 otherwise (plain moto does not).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SESSION_TAG = "chicory:test-session-seconds"  # read by scripts/moto_launcher.py
NO_RETRY = Config(retries={"max_attempts": 1, "mode": "standard"})

results: list[dict] = []


def record(fact: str, name: str, observed: str, aws: str | None) -> None:
    """aws=None: information only. Otherwise the check passes when observed == aws."""
    # An expectation without "/HTTP" compares the error code only.
    ok = None if aws is None else (observed == aws or ("/" not in aws and observed.split("/")[0] == aws))
    results.append({"fact": fact, "check": name, "observed": observed, "aws": aws, "ok": ok})


def error(e: ClientError) -> str:
    return f"{e.response['Error'].get('Code')}/{e.response['ResponseMetadata'].get('HTTPStatusCode')}"


def outcome(fn, *args, **kwargs) -> str:
    """'ok' or 'Code/HTTP'."""
    try:
        fn(*args, **kwargs)
        return "ok"
    except ClientError as e:
        return error(e)
    except Exception as e:  # noqa: BLE001 - e.g. an HTML 500 page botocore cannot parse
        return f"{type(e).__name__}: {str(e)[:120]}"


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class Env:
    def __init__(self, state: dict):
        self.endpoint = state["endpoint"]
        self.region = state["region"]
        self.account = state["account_id"]
        self.admin_keys = (state["admin_access_key_id"], state["admin_secret_access_key"])

    def client(self, service: str, keys, token: str | None = None):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=keys[0],
            aws_secret_access_key=keys[1],
            aws_session_token=token,
            config=NO_RETRY,
        )

    def admin(self, service: str):
        return self.client(service, self.admin_keys)

    def user(self, identity_policy: str | None = None):
        """A user (ARN, keys); identity_policy defaults to sts:AssumeRole on *."""
        iam = self.admin("iam")
        name = uid("probe-user")
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        if identity_policy != "":
            iam.put_user_policy(
                UserName=name,
                PolicyName="p",
                PolicyDocument=identity_policy
                or doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}),
            )
        k = iam.create_access_key(UserName=name)["AccessKey"]
        return arn, (k["AccessKeyId"], k["SecretAccessKey"])

    def role(self, trust: str, policy: str | None = None, tags=None) -> str:
        iam = self.admin("iam")
        name = uid("probe-role")
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, Tags=tags or [])[
            "Role"
        ]["Arn"]
        if policy:
            iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=policy)
        return arn

    def assume(self, keys, role_arn: str, token: str | None = None, **kw):
        sts = self.client("sts", keys, token)
        return sts.assume_role(RoleArn=role_arn, RoleSessionName="probe", **kw)

    def session(self, service: str, creds: dict):
        return self.client(
            service, (creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"]
        )


def trust_stmt(principal, **condition) -> dict:
    s = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        s["Condition"] = {"StringEquals": condition}
    return s


def probe_trust(env: Env) -> None:
    ext = {"sts:ExternalId": "xx"}
    vendor_arn, vendor = env.user()
    other_arn, other = env.user()
    glue_only = doc({"Effect": "Allow", "Action": "glue:GetDatabases", "Resource": "*"})

    r = env.role(doc(trust_stmt(vendor_arn, **ext)), glue_only)
    record("a", "trust user ARN + ExternalId: right id", outcome(env.assume, vendor, r, ExternalId="xx"), "ok")
    record("a", "trust user ARN + ExternalId: wrong id", outcome(env.assume, vendor, r, ExternalId="yy"), "AccessDenied/403")
    record("a", "trust user ARN + ExternalId: no id", outcome(env.assume, vendor, r), "AccessDenied/403")
    record("a", "principal not in the trust policy", outcome(env.assume, other, r, ExternalId="xx"), "AccessDenied/403")

    root = env.role(doc(trust_stmt(f"arn:aws:iam::{env.account}:root", **ext)))
    record("a", "trust <acct>:root + ExternalId: right id", outcome(env.assume, vendor, root, ExternalId="xx"), "ok")
    record("a", "trust <acct>:root + ExternalId: no id", outcome(env.assume, vendor, root), "AccessDenied/403")
    record("a", "trust 123456789013:root (another account)", outcome(
        env.assume, vendor, env.role(doc(trust_stmt("arn:aws:iam::123456789013:root", **ext))), ExternalId="xx"
    ), "AccessDenied/403")

    two = env.role(doc(trust_stmt(other_arn), trust_stmt(vendor_arn, **ext)))
    record("a", "trust with 2 statements, caller in the 2nd", outcome(env.assume, vendor, two, ExternalId="xx"), "ok")
    lst = env.role(doc(trust_stmt([other_arn, vendor_arn], **ext)))
    record("a", "trust Principal.AWS is a list", outcome(env.assume, vendor, lst, ExternalId="xx"), "ok")
    svc = env.role(doc(
        {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}, "Action": "sts:AssumeRole"},
        trust_stmt(vendor_arn, **ext),
    ))
    record("a", "trust with a Service statement and the caller's", outcome(env.assume, vendor, svc, ExternalId="xx"), "ok")

    deny = env.role(doc(
        trust_stmt(vendor_arn),
        {"Effect": "Deny", "Principal": {"AWS": vendor_arn}, "Action": "sts:AssumeRole",
         "Condition": {"StringEquals": {"sts:ExternalId": "bad"}}},
    ))
    record("a", "Deny statement whose condition does not match", outcome(env.assume, vendor, deny, ExternalId="good"), "ok")
    record("a", "Deny statement whose condition matches", outcome(env.assume, vendor, deny, ExternalId="bad"), "AccessDenied/403")

    si = env.role(doc(
        trust_stmt(vendor_arn, **{"sts:ExternalId": "xx", "sts:SourceIdentity": "chicory-scanner"}),
        {"Effect": "Allow", "Principal": {"AWS": vendor_arn}, "Action": "sts:SetSourceIdentity"},
    ))
    record("a", "trust on sts:SourceIdentity: given", outcome(env.assume, vendor, si, ExternalId="xx", SourceIdentity="chicory-scanner"), "ok")
    record("a", "trust on sts:SourceIdentity: missing", outcome(env.assume, vendor, si, ExternalId="xx"), "AccessDenied/403")

    tag = [{"Key": "team", "Value": "data"}]
    record("a", "session tags, trust without sts:TagSession", outcome(env.assume, vendor, r, ExternalId="xx", Tags=tag), "AccessDenied/403")
    tagged = env.role(doc(
        trust_stmt(vendor_arn, **ext),
        {"Effect": "Allow", "Principal": {"AWS": vendor_arn}, "Action": "sts:TagSession"},
    ))
    record("a", "session tags, trust allows sts:TagSession", outcome(env.assume, vendor, tagged, ExternalId="xx", Tags=tag), "ok")

    # A role principal: sessions of that role may assume.
    hop = env.role(doc(trust_stmt(vendor_arn)), doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    target = env.role(doc(trust_stmt(hop, **ext)))
    hop_creds = env.assume(vendor, hop)["Credentials"]
    hop_keys = (hop_creds["AccessKeyId"], hop_creds["SecretAccessKey"])
    record("a", "trust a role ARN, caller is its session", outcome(
        env.assume, hop_keys, target, hop_creds["SessionToken"], ExternalId="xx"), "ok")

    # Same account, user named in the trust policy but without an identity policy: AWS allows
    # it (the trust policy grants); cross-account the identity policy is needed too.
    bare_arn, bare = env.user(identity_policy="")
    record("a", "same-account user named in trust, no identity policy (AWS: ok)",
           outcome(env.assume, bare, env.role(doc(trust_stmt(bare_arn)))), None)

    # (b) roles that do not exist
    record("b", "AssumeRole of a role that does not exist", outcome(
        env.assume, vendor, f"arn:aws:iam::{env.account}:role/{uid('missing')}", ExternalId="xx"), "AccessDenied/403")
    record("b", "AssumeRole of a role in an unknown account", outcome(
        env.assume, vendor, f"arn:aws:iam::210987654321:role/{uid('missing')}", ExternalId="xx"), "AccessDenied/403")

    # (c) the role's permission policies
    creds = env.assume(vendor, r, ExternalId="xx")["Credentials"]
    glue = env.session("glue", creds)
    record("c", "role session: glue:GetDatabases (allowed)", outcome(glue.get_databases), "ok")
    record("c", "role session: glue:CreateDatabase (not allowed)",
           outcome(glue.create_database, DatabaseInput={"Name": uid("db").replace("-", "_")}), "AccessDeniedException")
    record("c", "role session: s3:ListAllMyBuckets (not allowed)", outcome(env.session("s3", creds).list_buckets), "AccessDenied/403")
    record("c", "role session: athena:ListWorkGroups (not allowed)",
           outcome(env.session("athena", creds).list_work_groups), "AccessDeniedException")
    sts = env.session("sts", creds)
    record("c", "role session: sts:GetCallerIdentity (always allowed)", outcome(sts.get_caller_identity), "ok")
    record("c", "role session: caller ARN", sts.get_caller_identity()["Arn"].replace(env.account, "<acct>"),
           f"arn:aws:sts::<acct>:assumed-role/{r.split('/')[-1]}/probe")

    # Resource-scoped permission policies (what a scoped chicory policy produces).
    db = uid("db").replace("-", "_")
    bucket = uid("probe-bkt")
    env.admin("glue").create_database(DatabaseInput={"Name": db})
    s3a = env.admin("s3")
    s3a.create_bucket(Bucket=bucket)
    s3a.put_object(Bucket=bucket, Key="k", Body=b"v")
    scoped = env.role(doc(trust_stmt(vendor_arn)), doc(
        {"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTables"], "Resource": [
            f"arn:aws:glue:{env.region}:{env.account}:catalog",
            f"arn:aws:glue:{env.region}:{env.account}:database/{db}",
            f"arn:aws:glue:{env.region}:{env.account}:table/{db}/*"]},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
    ))
    sc = env.assume(vendor, scoped)["Credentials"]
    record("c", "scoped policy: glue:GetTables on the allowed database ARN",
           outcome(env.session("glue", sc).get_tables, DatabaseName=db), "ok")
    record("c", "scoped policy: s3:ListBucket on the allowed bucket ARN",
           outcome(env.session("s3", sc).list_objects_v2, Bucket=bucket), "ok")
    record("c", "scoped policy: s3:GetObject on bucket/*",
           outcome(env.session("s3", sc).get_object, Bucket=bucket, Key="k"), "ok")
    record("c", "scoped policy: s3:PutObject (not allowed)",
           outcome(env.session("s3", sc).put_object, Bucket=bucket, Key="w", Body=b"x"), "AccessDenied/403")

    # (d) expiry
    t0 = datetime.datetime.now(datetime.timezone.utc)
    exp = env.assume(vendor, r, ExternalId="xx", DurationSeconds=900)["Credentials"]["Expiration"]
    record("d", "Expiration - now for DurationSeconds=900", f"{round((exp - t0).total_seconds() / 10) * 10}s", "900s")
    unchecked = boto3.client("sts", endpoint_url=env.endpoint, region_name=env.region, aws_access_key_id=vendor[0],
                             aws_secret_access_key=vendor[1],
                             config=NO_RETRY.merge(Config(parameter_validation=False)))  # let 899 reach the server
    record("d", "DurationSeconds=899 (below AWS's minimum)", outcome(
        unchecked.assume_role, RoleArn=r, RoleSessionName="probe", ExternalId="xx", DurationSeconds=899), "ValidationError/400")
    record("d", "DurationSeconds=7200 > the role's MaxSessionDuration (3600)",
           outcome(env.assume, vendor, r, ExternalId="xx", DurationSeconds=7200), "ValidationError/400")
    short = env.role(doc(trust_stmt(vendor_arn)), glue_only, tags=[{"Key": SESSION_TAG, "Value": "2"}])
    c2 = env.assume(vendor, short)["Credentials"]
    secs = (c2["Expiration"] - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    if secs < 60:
        time.sleep(secs + 1.5)
        record("d", f"glue after expiry (role tag {SESSION_TAG}=2)",
               outcome(env.session("glue", c2).get_databases), "ExpiredTokenException")
        record("d", "sts after expiry", outcome(env.session("sts", c2).get_caller_identity), "ExpiredToken/400")
        record("d", "s3 after expiry", outcome(env.session("s3", c2).list_buckets), "ExpiredToken/400")
    else:
        record("d", f"role tag {SESSION_TAG} (launcher only): session length",
               f"{round(secs / 10) * 10}s (tag ignored: expiry not testable in real time)", None)


def probe_cloudformation(env: Env) -> None:
    vendor_arn, vendor = env.user()
    template = """
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AccessLevel: {Type: String, AllowedValues: [ReadOnly, ReadWrite], Default: ReadOnly}
  ExternalId: {Type: String}
  PrincipalArn: {Type: String}
  RoleName: {Type: String}
Conditions:
  IsReadWrite: !Equals [!Ref AccessLevel, ReadWrite]
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      MaxSessionDuration: 3600
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Ref PrincipalArn}
            Action: sts:AssumeRole
            Condition: {StringEquals: {"sts:ExternalId": !Ref ExternalId}}
      Policies:
        - PolicyName: Read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Action: ["glue:GetDatabases"], Resource: "*"}
  WritePolicy:
    Type: AWS::IAM::Policy
    Condition: IsReadWrite
    Properties:
      PolicyName: Write
      Roles: [!Ref Role]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: ["glue:CreateDatabase"], Resource: !Sub "arn:${AWS::Partition}:glue:*:${AWS::AccountId}:*"}
  WriteManaged:
    Type: AWS::IAM::ManagedPolicy
    Condition: IsReadWrite
    Properties:
      Roles: [!Ref Role]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: ["s3:ListAllMyBuckets"], Resource: "*"}
Outputs:
  RoleArn:
    Value: !GetAtt Role.Arn
"""
    cfn = env.admin("cloudformation")
    for level in ("ReadOnly", "ReadWrite"):
        stack = uid("probe-stack")
        role_name = uid("probe-cfn")
        try:
            cfn.create_stack(StackName=stack, TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"], Parameters=[
                {"ParameterKey": "AccessLevel", "ParameterValue": level},
                {"ParameterKey": "ExternalId", "ParameterValue": "xx"},
                {"ParameterKey": "PrincipalArn", "ParameterValue": vendor_arn},
                {"ParameterKey": "RoleName", "ParameterValue": role_name},
            ])
        except ClientError as e:
            record("e", f"{level}: create_stack", error(e), "ok")
            continue
        s = cfn.describe_stacks(StackName=stack)["Stacks"][0]
        record("e", f"{level}: stack status", s["StackStatus"], "CREATE_COMPLETE")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in s.get("Outputs", [])}
        role_arn = outputs.get("RoleArn", "")
        record("e", f"{level}: output RoleArn (!GetAtt Role.Arn)",
               role_arn.replace(env.account, "<acct>"), f"arn:aws:iam::<acct>:role/{role_name}")
        iam = env.admin("iam")
        record("e", f"{level}: IAM::Policy 'Write' attached",
               str("Write" in iam.list_role_policies(RoleName=role_name)["PolicyNames"]), str(level == "ReadWrite"))
        record("e", f"{level}: IAM::ManagedPolicy attached",
               str(len(iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]) == 1), str(level == "ReadWrite"))
        record("e", f"{level}: assume with the wrong ExternalId", outcome(env.assume, vendor, role_arn, ExternalId="yy"), "AccessDenied/403")
        creds = env.assume(vendor, role_arn, ExternalId="xx")["Credentials"]
        g = env.session("glue", creds)
        record("e", f"{level}: read allowed by the role's inline Policies", outcome(g.get_databases), "ok")
        record("e", f"{level}: write (glue:CreateDatabase)",
               outcome(g.create_database, DatabaseInput={"Name": uid("db").replace("-", "_")}),
               "ok" if level == "ReadWrite" else "AccessDeniedException")
        record("e", f"{level}: DeleteStack", outcome(cfn.delete_stack, StackName=stack), "ok")


def raw_sts(env: Env, keys, token=None) -> tuple[int, str]:
    """GetCallerIdentity signed by hand: the HTTP status and the raw error body."""
    req = AWSRequest(method="POST", url=env.endpoint + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials(keys[0], keys[1], token), "sts", env.region).add_auth(req)
    r = urllib.request.Request(req.url, data=req.body, headers=dict(req.headers), method="POST")
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def probe_credentials(env: Env) -> None:
    _, vendor = env.user()
    bad_secret = (vendor[0], "x" * 40)
    unknown = ("AKIA" + "Z" * 16, "x" * 40)
    for svc, call in (("sts", lambda c: c.get_caller_identity()), ("glue", lambda c: c.get_databases()),
                      ("s3", lambda c: c.list_buckets())):
        # JSON-protocol services (glue, athena) name these errors differently from query/XML ones
        record("f", f"{svc}: wrong secret", outcome(call, env.client(svc, bad_secret)),
               "InvalidSignatureException" if svc == "glue" else "SignatureDoesNotMatch/403")
        record("f", f"{svc}: unknown access key", outcome(call, env.client(svc, unknown)),
               {"s3": "InvalidAccessKeyId/403", "glue": "UnrecognizedClientException"}.get(svc, "InvalidClientTokenId/403"))
    caller_arn, caller = env.user()
    creds = env.assume(caller, env.role(doc(trust_stmt(caller_arn))))["Credentials"]
    forged = env.client("sts", (creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"][:-4] + "AAAA")
    record("f", "session key with a wrong session token", outcome(forged.get_caller_identity), "InvalidClientTokenId/403")
    status, body = raw_sts(env, bad_secret)
    nesting = "/".join(re.findall(r"<(\w+)>", body)[:2]) + ("/Code" if "<Code>" in body else "")
    record("f", "raw error body of a wrong secret (STS): nesting", f"{status} {nesting}", "403 ErrorResponse/Error/Code")

    # (g) accounts
    me = env.admin("sts").get_caller_identity()
    record("g", "admin user: account / ARN", f"{me['Account']} {me['Arn']}", None)
    record("g", "state.json account_id equals the admin's account", str(me["Account"] == env.account), "True")
    foreign_arn, foreign = env.user()
    try:
        c = env.assume(foreign, "arn:aws:iam::210987654321:role/anything")["Credentials"]
        acct = env.session("sts", c).get_caller_identity()["Account"]
        record("g", "session of a role ARN in another (unknown) account: its account", acct, None)
    except ClientError as e:
        record("g", "AssumeRole of a role ARN in another (unknown) account", error(e), None)


def probe_services(env: Env) -> None:
    """Behaviour of the services chicory scans (information for the Rust tests)."""
    glue = env.admin("glue")
    db = uid("db").replace("-", "_")
    glue.create_database(DatabaseInput={"Name": db})
    for i in range(3):
        glue.create_table(DatabaseName=db, TableInput={
            "Name": f"t{i}", "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "StorageDescriptor": {"Columns": [{"Name": "c", "Type": "int"}], "Location": f"s3://b/t{i}/"}})
    glue.batch_create_partition(DatabaseName=db, TableName="t0", PartitionInputList=[
        {"Values": [f"2024-01-{d:02d}"], "StorageDescriptor": {"Location": f"s3://b/t0/dt={d}/"}} for d in range(1, 11)])
    seg = [len(glue.get_partitions(DatabaseName=db, TableName="t0",
                                   Segment={"SegmentNumber": n, "TotalSegments": 2})["Partitions"]) for n in (0, 1)]
    record("svc", "glue GetPartitions Segment 0/2 and 1/2 of 10 partitions", f"{seg[0]}+{seg[1]}", None)
    p = glue.get_partitions(DatabaseName=db, TableName="t0", MaxResults=3)
    record("svc", "glue GetPartitions MaxResults=3", f"{len(p['Partitions'])} partitions, NextToken={'NextToken' in p}", None)
    t = glue.get_tables(DatabaseName=db, MaxResults=1)
    record("svc", "glue GetTables MaxResults=1", f"{len(t['TableList'])} tables, NextToken={'NextToken' in t}", None)
    d = glue.get_databases(MaxResults=1)
    record("svc", "glue GetDatabases MaxResults=1", f"{len(d['DatabaseList'])} dbs, NextToken={'NextToken' in d}", None)

    ath = env.admin("athena")
    record("svc", "athena ListWorkGroups", ",".join(w["Name"] for w in ath.list_work_groups()["WorkGroups"]), None)
    record("svc", "athena ListDataCatalogs", ",".join(c["CatalogName"] for c in ath.list_data_catalogs()["DataCatalogsSummary"]), None)
    try:
        q = ath.start_query_execution(QueryString="SELECT 1", WorkGroup="primary",
                                      ResultConfiguration={"OutputLocation": "s3://nowhere/"})["QueryExecutionId"]
        st = ath.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Status"]["State"]
        rows = ath.get_query_results(QueryExecutionId=q)["ResultSet"].get("Rows", [])
        record("svc", "athena StartQueryExecution -> state, result rows", f"{st}, {len(rows)} rows", None)
        # The query-activity scanners read the history by BatchGetQueryExecution, which moto
        # lacks and the launcher adds: as AWS, the known id answered as GetQueryExecution
        # answers it, the unknown one listed as unprocessed.
        unknown = "00000000-0000-0000-0000-000000000000"
        check = "athena BatchGetQueryExecution: known id answered, unknown id unprocessed"
        try:
            batch = ath.batch_get_query_execution(QueryExecutionIds=[q, unknown])
            same = [e["QueryExecutionId"] for e in batch["QueryExecutions"]] == [q] and \
                batch["QueryExecutions"][0]["Query"] == "SELECT 1"
            unprocessed = [u["QueryExecutionId"] for u in batch["UnprocessedQueryExecutionIds"]]
            record("svc", check, f"{same}, {unprocessed}", f"True, ['{unknown}']")
        except ClientError as e:
            record("svc", check, error(e), f"True, ['{unknown}']")
    except ClientError as e:
        record("svc", "athena StartQueryExecution", error(e), None)
    record("svc", "athena StartQueryExecution without output location",
           outcome(ath.start_query_execution, QueryString="SELECT 1"), None)
    record("svc", "athena ListTableMetadata (AwsDataCatalog)", outcome(ath.list_table_metadata, CatalogName="AwsDataCatalog", DatabaseName=db), None)
    try:
        names = [d["Name"] for d in ath.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]]
        record("svc", "athena ListDatabases (AwsDataCatalog) sees the Glue database", str(db in names), None)
    except ClientError as e:
        record("svc", "athena ListDatabases (AwsDataCatalog)", error(e), None)

    s3 = env.admin("s3")
    b = uid("probe-list")
    s3.create_bucket(Bucket=b)
    for k in ("a/1", "a/2", "b/1", "c"):
        s3.put_object(Bucket=b, Key=k, Body=b"x")
    r = s3.list_objects_v2(Bucket=b, Delimiter="/")
    record("svc", "s3 ListObjectsV2 Delimiter=/",
           f"prefixes={[p['Prefix'] for p in r.get('CommonPrefixes', [])]} keys={[o['Key'] for o in r.get('Contents', [])]}", None)
    r = s3.list_objects_v2(Bucket=b, MaxKeys=2)
    r2 = s3.list_objects_v2(Bucket=b, MaxKeys=2, ContinuationToken=r["NextContinuationToken"])
    record("svc", "s3 ListObjectsV2 MaxKeys=2 paging", f"{r['KeyCount']}+{r2['KeyCount']}, truncated={r['IsTruncated']},{r2['IsTruncated']}", None)
    record("svc", "s3 GetBucketLocation (us-east-1)", str(s3.get_bucket_location(Bucket=b).get("LocationConstraint")), None)
    # AWS authorizes HeadBucket with s3:ListBucket (there is no s3:HeadBucket action), and its
    # answer names the bucket's region in x-amz-bucket-region.
    _, keys = env.user(doc({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}))
    try:
        head = env.client("s3", keys).head_bucket(Bucket=b)
        region = head["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region")
        record("iam", "s3 HeadBucket with only s3:ListBucket: answer, x-amz-bucket-region", f"ok, {region}", f"ok, {env.region}")
    except ClientError as e:
        record("iam", "s3 HeadBucket with only s3:ListBucket: answer, x-amz-bucket-region", error(e), f"ok, {env.region}")
    try:
        env.admin("datazone").list_domains()
        record("svc", "datazone ListDomains", "ok", None)
    except Exception as e:  # noqa: BLE001 - whatever moto answers
        record("svc", "datazone ListDomains", type(e).__name__ + ": " + str(e)[:80], None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(kind: str, workdir: str) -> tuple[subprocess.Popen, dict]:
    port = free_port()
    venv_bin = os.path.dirname(sys.executable)
    cmd = ([os.path.join(venv_bin, "moto_server")] if kind == "vanilla"
           else [sys.executable, os.path.join(ROOT, "scripts", "moto_launcher.py")])
    log = open(os.path.join(workdir, "moto.log"), "w")
    proc = subprocess.Popen(cmd + ["-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/").read()
            break
        except OSError:
            time.sleep(0.2)
    state_path = os.path.join(workdir, "state.json")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "emulator_bootstrap.py"), endpoint, state_path],
                   check=True, stdout=subprocess.DEVNULL)
    return proc, json.load(open(state_path))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spawn", choices=["vanilla", "launcher"])
    ap.add_argument("--state", default=os.path.join(ROOT, ".emulator", "state.json"))
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--skip-services", action="store_true")
    args = ap.parse_args()

    proc = None
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if args.spawn:
                proc, state = spawn(args.spawn, tmp)
            else:
                state = json.load(open(args.state))
            env = Env(state)
            for part in (probe_trust, probe_cloudformation, probe_credentials,
                         *(() if args.skip_services else (probe_services,))):
                try:
                    part(env)
                except Exception as e:  # noqa: BLE001 - a crash is a finding too
                    record(part.__name__, "crashed", f"{type(e).__name__}: {e}"[:200], "no crash")
        finally:
            if proc:
                proc.terminate()
                proc.wait(10)

    print(f"# {args.spawn or 'emulator'} at {state['endpoint']}")
    for r in results:
        if args.json:
            print(json.dumps(r))
        else:
            mark = "info" if r["ok"] is None else ("ok  " if r["ok"] else "DIFF")
            aws = "" if r["aws"] is None else f"   (AWS: {r['aws']})"
            print(f"[{mark}] {r['fact']:>3} {r['check']}: {r['observed']}{aws}")
    bad = sum(1 for r in results if r["ok"] is False)
    good = sum(1 for r in results if r["ok"])
    print(f"probe: {good} passed, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
