#!/usr/bin/env python3
"""The chicory-aws-mcp server, driven by the official MCP Python SDK (`mcp`), against the
local emulator. Run by the Rust test chicory-aws-mcp/tests/python_client.rs (so by `cargo test
--workspace`, in the README's test command), which provisions the accounts and writes the
fixture:

    cargo test -p chicory-aws-mcp --test python_client -- --nocapture

It fails loudly (exit 1, naming the check) and never skips: a missing server binary, fixture
or emulator is a failure.

The fixture (JSON): the emulator's endpoint, region and account id; a vendor's access key
(allowed only sts:AssumeRole); two customer roles trusting it with the External ID, both
allowed every action by IAM (so only the server's own access gate can refuse a write); the
names of a seeded Glue catalog of databases x tables and of a small bucket; and the records
the library's TableScanner and ObjectScanner return for them. This script puts a counting HTTP proxy in front of the emulator
and writes the server's config, naming two accounts:

- `ro`: the first role, access level ReadOnly, reached through the counting proxy;
- `rw`: the second role, access level ReadWrite, reached directly;
- `wrongid`: the first role with a wrong External ID (AssumeRole is denied).

Checks, over stdio:
1. tools/list: every input and output schema is a valid JSON Schema with `type: object`, every
   name is unique, every tool takes `account`; annotations follow the level.
2. glue_list_tables pages through the tables (page_size 25: at least 3 pages with a cursor)
   and returns exactly the library scanner's table records; glue_get_table agrees;
   s3_scan_objects pages a bucket (3 a page) into exactly the ObjectScanner's records.
3. Write tools on `ro` (athena_run_query, glue_create_data_quality_ruleset, s3_put_object,
   glue_delete_column_statistics): a tool error of kind WriteNotPermitted naming ReadWrite,
   with a remedy, and ZERO requests reach the proxy; reads on `ro` around them do reach it
   (so the count can move).
4. athena_run_query on `rw`: typed rows (bigint as a JSON integer).
5. A missing or unknown `account` is refused (tool error naming the field).
6. AWS errors are tool errors with the library's kind, the AWS code and the remedy: a missing
   table (NotFound, EntityNotFoundException, glue:GetTable) and a wrong External ID
   (AccessDenied, the External ID remedy); neither shows the vendor's secret or a session key.

With `--demo CLI` instead (run by examples/tests/mcp_demo.rs): every scan tool over the
`chicory-aws mcp --demo` server's demo account, DataZone included (the test kit's fake), each page
validated by the SDK against the tool's output schema.

Over Streamable HTTP (bearer token): tools/call and initialize without a token, with a wrong
token and with a token one character short are answered 401 and nothing reaches the proxy;
with the token, the SDK's client lists the same tools, reads, and is refused a write.
"""

import argparse
import asyncio
import http.client
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import jsonschema
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25
TIMINGS = []


class CheckFailed(Exception):
    pass


def check(cond, message):
    if not cond:
        raise CheckFailed(message)


def step(name):
    """Prints and times one named check."""

    class Step:
        def __enter__(self):
            self.t = time.monotonic()
            print(f"-- {name}", flush=True)

        def __exit__(self, *exc):
            dt = time.monotonic() - self.t
            TIMINGS.append((name, dt))
            if exc[0] is None:
                print(f"   ok ({dt:.2f}s)", flush=True)

    return Step()


# ---------------------------------------------------------------------------------------------
# The emulator and the customer accounts on it.


def emulator_answers(endpoint):
    try:
        urllib.request.urlopen(endpoint + "/moto-api/", timeout=5).read()
    except OSError as e:
        raise CheckFailed(f"the emulator at {endpoint} does not answer: {e}")


# ---------------------------------------------------------------------------------------------
# A counting proxy in front of the emulator: every request any `ro` connection sends.


class CountingProxy:
    def __init__(self, upstream):
        self.upstream = upstream.removeprefix("http://")
        self.requests = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                with proxy.lock:
                    target = self.headers.get("X-Amz-Target") or ""
                    proxy.requests.append(f"{self.command} {self.path} {target}".strip())
                conn = http.client.HTTPConnection(proxy.upstream, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self):
        with self.lock:
            return len(self.requests)


# ---------------------------------------------------------------------------------------------
# The server.


def write_config(tmp, fx, proxy):
    text = f"""
[accounts.ro]
endpoint_url = "{proxy.url}"
[accounts.ro.params]
role_arn = "{fx['roles']['ro']}"
external_id = "{fx['external_id']}"
region = "{fx['region']}"
access_level = "ReadOnly"

[accounts.wrongid]
endpoint_url = "{fx['endpoint']}"
[accounts.wrongid.params]
role_arn = "{fx['roles']['ro']}"
external_id = "chicory-not-the-customers-external-id"
region = "{fx['region']}"

[accounts.rw]
endpoint_url = "{fx['endpoint']}"
[accounts.rw.params]
role_arn = "{fx['roles']['rw']}"
external_id = "{fx['external_id']}"
region = "{fx['region']}"
access_level = "ReadWrite"
"""
    path = Path(tmp) / "accounts.toml"
    path.write_text(text)
    return path


def server_env(key, token=None):
    env = {
        # The vendor's own credentials, from the default chain (here: the environment).
        "AWS_ACCESS_KEY_ID": key["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": key["secret_access_key"],
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "RUST_LOG": "chicory_aws_mcp=info",
    }
    if token:
        env["CHICORY_MCP_TOKEN"] = token
    return env


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


def error_details(result):
    """The JSON details block of a tool error."""
    for c in result.content:
        try:
            v = json.loads(c.text)
        except (ValueError, AttributeError):
            continue
        if isinstance(v, dict) and "error" in v:
            return v["error"]
    raise CheckFailed(f"tool error without a details block: {text_of(result)}")


async def call(session, name, args):
    return await session.call_tool(name, args, read_timeout_seconds=120)


# ---------------------------------------------------------------------------------------------
# The checks.


async def check_listing(session, log):
    listed = []
    cursor = None
    while True:
        page = await session.list_tools(
            params={"cursor": cursor} if cursor else None
        )
        listed.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    names = [t.name for t in listed]
    check(len(names) == len(set(names)), f"tool names are not unique: {names}")
    by_service = {}
    for t in listed:
        for which, schema in (("input", t.input_schema), ("output", t.output_schema)):
            check(schema is not None, f"{t.name} has no {which} schema")
            try:
                jsonschema.validators.validator_for(schema).check_schema(schema)
            except jsonschema.SchemaError as e:
                raise CheckFailed(f"{t.name}: invalid {which} schema: {e.message}")
            check(schema.get("type") == "object", f"{t.name}: {which} schema is not an object")
        check("account" in t.input_schema["properties"], f"{t.name} takes no `account`")
        check(
            "account" in t.input_schema.get("required", []),
            f"{t.name}: `account` is not required with two accounts",
        )
        a = t.annotations
        check(a is not None and a.read_only_hint is not None, f"{t.name}: no readOnlyHint")
        level = "ReadOnly" if a.read_only_hint else "ReadWrite"
        service = t.name.split("_")[0]
        by_service.setdefault(service, {"ReadOnly": 0, "ReadWrite": 0})[level] += 1
    for name, ro in (
        ("glue_get_table", True),
        ("athena_run_query", False),
        ("s3_delete_object", False),
        ("glue_list_tables", True),
    ):
        t = next((t for t in listed if t.name == name), None)
        check(t is not None, f"{name} is not listed")
        check(t.annotations.read_only_hint is ro, f"{name}: readOnlyHint is not {ro}")
    delete = next(t for t in listed if t.name == "s3_delete_object")
    check(delete.annotations.destructive_hint is True, "s3_delete_object is not destructive")
    create = next(t for t in listed if t.name == "glue_create_data_quality_ruleset")
    check(create.annotations.destructive_hint is False, "a create is marked destructive")
    check(create.annotations.idempotent_hint is False, "a create is marked idempotent")
    log["tools"] = len(listed)
    log["by_service"] = by_service
    return listed


def table_key(r):
    return (r.get("database"), r.get("name"))


async def check_paging(session, fx, log):
    databases = fx["databases"]
    pages = []
    records = []
    result = await call(
        session,
        "glue_list_tables",
        {"account": "rw", "include_databases": databases, "page_size": PAGE_SIZE},
    )
    while True:
        check(not result.is_error, f"glue_list_tables failed: {text_of(result)}")
        page = result.structured_content
        check(page["incomplete"] == [], f"incomplete parts: {page['incomplete']}")
        pages.append(len(page["records"]))
        records.extend(page["records"])
        if page["cursor"] is None:
            break
        check(len(pages) < 20, "the cursor never ends")
        result = await call(
            session, "glue_list_tables", {"account": "rw", "cursor": page["cursor"]}
        )
    total = len(databases) * fx["tables_per_database"]
    check(len(records) == total, f"{len(records)} tables over the pages, want {total}")
    check(pages[0] == PAGE_SIZE and len(pages) >= 3, f"pages of {pages}, want {PAGE_SIZE} a page")
    keys = [table_key(r) for r in records]
    check(len(set(keys)) == total, "a table came twice over the pages")
    # A used cursor is refused.
    stale = await call(session, "glue_list_tables", {"account": "rw", "cursor": "0" * 32})
    check(stale.is_error and error_details(stale)["field"] == "cursor", "a bad cursor is served")
    # The same records as the library's scanner.
    scanned = fx["tables"]
    check(len(scanned) == total, f"the scanner found {len(scanned)} tables, want {total}")
    mine = {table_key(r): r for r in records}
    theirs = {table_key(r): r for r in scanned}
    check(mine.keys() == theirs.keys(), "the tool and the scanner list different tables")
    for k in mine:
        check(mine[k] == theirs[k], f"table {k} differs:\n tool: {mine[k]}\n scan: {theirs[k]}")
    # One table read with the operator agrees too.
    db, name = keys[0]
    one = await call(session, "glue_get_table", {"account": "rw", "database": db, "table": name})
    check(not one.is_error, f"glue_get_table failed: {text_of(one)}")
    check(one.structured_content == mine[(db, name)], "glue_get_table differs from the scan")
    log["pages"] = pages


async def check_objects(session, fx, log):
    """s3_scan_objects pages a bucket (3 a page) into the library ObjectScanner's records."""
    result = await call(session, "s3_scan_objects",
                        {"account": "rw", "bucket": fx["bucket"], "page_size": 3})
    pages, records = [], []
    while True:
        check(not result.is_error, f"s3_scan_objects failed: {text_of(result)}")
        page = result.structured_content
        check(page["incomplete"] == [] and page["skipped"] == [], f"parts missing: {page}")
        pages.append(len(page["records"]))
        records.extend(page["records"])
        if page["cursor"] is None:
            break
        check(len(pages) < 10, "the cursor never ends")
        result = await call(session, "s3_scan_objects", {"account": "rw", "cursor": page["cursor"]})
    check(pages[:2] == [3, 3], f"pages of {pages}, want 3 a page")
    key = lambda r: r["key"]
    check(sorted(records, key=key) == sorted(fx["objects"], key=key),
          "s3_scan_objects and the library's ObjectScanner differ")
    log["object_pages"] = pages


async def check_refused_writes(session, proxy, databases, log):
    # A read on `ro` first: it connects (AssumeRole) through the proxy, and shows it counts.
    before = proxy.count()
    read = await call(session, "glue_get_database", {"account": "ro", "database": databases[0]})
    check(not read.is_error, f"a read on ro failed: {text_of(read)}")
    check(proxy.count() > before, "the counting proxy saw no request for a read on ro")
    writes = {
        "athena_run_query": {"query": "SELECT 1", "workgroup": "primary"},
        "glue_create_data_quality_ruleset": {"name": "r", "ruleset": "Rules = [ RowCount > 0 ]"},
        "s3_put_object": {"bucket": "b", "key": "k", "text": "x"},
        "glue_delete_column_statistics": {"database": databases[0], "table": "t00",
                                          "column_name": "id"},
    }
    refused = {}
    for name, args in writes.items():
        before = proxy.count()
        result = await call(session, name, dict(args, account="ro"))
        after = proxy.count()
        check(result.is_error, f"{name} on a ReadOnly account was not refused")
        details = error_details(result)
        check(details["kind"] == "WriteNotPermitted", f"{name}: kind {details['kind']}")
        check("ReadWrite" in text_of(result), f"{name}: the error does not name ReadWrite")
        check(details["remedy"], f"{name}: no remedy")
        check(after == before, f"{name}: {after - before} requests reached the emulator")
        refused[name] = text_of(result).splitlines()[0]
    # And a read after the refusals still goes through: the account is usable.
    before = proxy.count()
    read = await call(session, "glue_get_database", {"account": "ro", "database": databases[1]})
    check(not read.is_error and proxy.count() > before, "ro cannot read after a refusal")
    log["refused"] = refused


def queue_athena_result(fx):
    body = {
        "account_id": fx["account_id"],
        "region": fx["region"],
        "results": [
            {
                "rows": [
                    {"Data": [{"VarCharValue": "id"}, {"VarCharValue": "name"}]},
                    {"Data": [{"VarCharValue": "42"}, {"VarCharValue": "answer"}]},
                    {"Data": [{"VarCharValue": "7"}, {"VarCharValue": "seven"}]},
                ],
                "column_info": [
                    {"Name": "id", "Type": "bigint", "Nullable": "NOT_NULL"},
                    {"Name": "name", "Type": "varchar", "Nullable": "NULLABLE"},
                ],
            }
        ],
    }
    req = urllib.request.Request(
        fx["endpoint"] + "/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(req, timeout=10).read()


async def check_query(session, fx, log):
    databases = fx["databases"]
    queue_athena_result(fx)
    result = await call(
        session,
        "athena_run_query",
        {
            "account": "rw",
            "query": "SELECT id, name FROM t00",
            "database": databases[0],
            "output_location": "s3://mcp-results/athena/",
            "timeout_secs": 60,
        },
    )
    check(not result.is_error, f"athena_run_query on rw failed: {text_of(result)}")
    out = result.structured_content
    check(out["state"] == "SUCCEEDED", f"state {out['state']}")
    check([c["type"] for c in out["columns"]] == ["bigint", "varchar"], f"columns {out['columns']}")
    ids = [row[0] if isinstance(row, list) else row.get("id") for row in out["rows"]]
    check(ids == [42, 7], f"rows {out['rows']}: bigint must be a JSON integer")
    log["query"] = out


async def check_errors(session, fx):
    """AWS errors come as tool errors with the library's kind, the AWS code and the remedy,
    and no secret."""
    secrets = [fx["vendor"]["secret_access_key"]]
    missing = await call(session, "glue_get_table",
                         {"account": "rw", "database": fx["databases"][0], "table": "nope"})
    check(missing.is_error, "reading a missing table is not an error")
    d = error_details(missing)
    check(d["kind"] == "NotFound" and d["code"] == "EntityNotFoundException",
          f"missing table: kind {d['kind']}, code {d['code']}")
    check(d["operation"] == "glue:GetTable" and "nope" in (d["resource"] or ""),
          f"missing table: operation {d['operation']}, resource {d['resource']}")
    denied = await call(session, "glue_get_database",
                        {"account": "wrongid", "database": fx["databases"][0]})
    check(denied.is_error, "a wrong External ID was let through")
    d = error_details(denied)
    check(d["kind"] == "AccessDenied" and d["code"] == "AccessDenied",
          f"wrong External ID: kind {d['kind']}, code {d['code']}")
    check("External ID" in (d["remedy"] or ""), f"no External ID remedy: {d['remedy']}")
    for r in (missing, denied):
        shown = json.dumps([c.text for c in r.content])
        for s in secrets:
            check(s not in shown, "a tool error shows the vendor's secret key")
        check("ASIA" not in shown, "a tool error shows a session key id")
    return {"not_found": text_of(missing).splitlines()[0],
            "access_denied": text_of(denied).splitlines()[0]}


async def check_accounts(session, databases):
    missing = await call(session, "glue_get_database", {"database": databases[0]})
    check(missing.is_error and error_details(missing)["field"] == "account",
          "a call without `account` was not refused")
    unknown = await call(session, "glue_get_database", {"account": "initech", "database": "x"})
    check(unknown.is_error and "initech" in text_of(unknown), "an unknown account was served")


@asynccontextmanager
async def stdio_session(args, config, key):
    params = StdioServerParameters(
        command=args.server, args=["--config", str(config)], env=server_env(key)
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


def start_http_server(args, config, key, token):
    proc = subprocess.Popen(
        [args.server, "--config", str(config), "--http", "127.0.0.1:0"],
        env=dict(os.environ, **server_env(key, token)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        if "listening on " in line:
            url = line.split("listening on ", 1)[1].strip()
            threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
            return proc, url
    proc.kill()
    raise CheckFailed("the HTTP server did not say where it listens")


def raw_post(url, body, token):
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
    }
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


async def check_http(args, config, key, proxy, databases, log):
    token = uuid.uuid4().hex + uuid.uuid4().hex
    proc, url = start_http_server(args, config, key, token)
    try:
        call_body = {
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "glue_get_database",
                       "arguments": {"account": "ro", "database": databases[0]}},
        }
        init_body = {
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "raw", "version": "0"}},
        }
        before = proxy.count()
        statuses = {
            "no token, initialize": raw_post(url, init_body, None),
            "no token, tools/call": raw_post(url, call_body, None),
            "wrong token, tools/call": raw_post(url, call_body, "x" * 64),
            "token of another length": raw_post(url, call_body, token[:-1]),
        }
        for what, status in statuses.items():
            check(status == 401, f"HTTP {what}: status {status}, want 401")
        check(proxy.count() == before, "a request without the token reached the emulator")
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                tools = await session.list_tools()
                check(len(tools.tools) == log["tools"], "HTTP lists other tools than stdio")
                r = await call(session, "glue_get_database",
                               {"account": "ro", "database": databases[0]})
                check(not r.is_error, f"read over HTTP failed: {text_of(r)}")
                check(r.structured_content["name"] == databases[0], "wrong database over HTTP")
                refused = await call(session, "s3_delete_object",
                                     {"account": "ro", "bucket": "b", "key": "k"})
                check(refused.is_error and error_details(refused)["kind"] == "WriteNotPermitted",
                      "a write on ro over HTTP was not refused")
        log["http"] = statuses
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


DEMO_SCANS = {
    "glue_list_databases": ({}, 2),
    "glue_list_tables": ({"include_databases": ["demo_*"]}, 8),
    "athena_list_workgroups": ({}, 1),
    "athena_list_data_catalogs": ({}, 0),
    "s3_scan_buckets": ({}, 1),
    "s3_scan_objects": ({"bucket": "chicory-demo-lake"}, 7),
    "datazone_list_domains": ({}, 3),
    "datazone_list_projects": ({}, 1),
    "datazone_list_assets": ({}, 1),
}


async def demo(server):
    """`chicory-aws mcp --demo`: every scan tool over the demo account (Glue, Athena, S3 on the emulator,
    DataZone from the test kit's fake); the SDK validates each page against its output schema."""
    params = StdioServerParameters(
        command=server, args=["mcp", "--demo"], cwd=str(ROOT),
        env={"CHICORY_MOTO_PORT": os.environ.get("CHICORY_MOTO_PORT", "5055"),
             "RUST_LOG": "chicory_aws_mcp=warn"},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.list_tools()
            for name, (args, at_least) in DEMO_SCANS.items():
                with step(f"demo: {name}"):
                    result = await call(session, name, args)
                    check(not result.is_error, f"{name}: {text_of(result)}")
                    page = result.structured_content
                    n = len(page["records"])
                    check(n >= at_least, f"{name}: {n} records, want at least {at_least}")
                    check(page["incomplete"] == [], f"{name}: incomplete {page['incomplete']}")
    print("MCP demo client tests passed")


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="the chicory-aws-mcp binary")
    parser.add_argument("--fixture", help="the fixture JSON (see above)")
    parser.add_argument("--transcript", help="write the session's log (JSON) here")
    parser.add_argument("--demo", metavar="CLI", help="instead: the chicory-aws binary, run "
                        "as `chicory-aws mcp --demo`, through every scan tool")
    args = parser.parse_args()
    if args.demo:
        check(os.access(args.demo, os.X_OK), f"{args.demo} is not an executable")
        await demo(args.demo)
        return
    check(args.server and args.fixture, "--server and --fixture are required (or --demo)")
    check(os.access(args.server, os.X_OK), f"{args.server} is not an executable")
    fx = json.loads(Path(args.fixture).read_text())
    emulator_answers(fx["endpoint"])
    key = fx["vendor"]
    databases = fx["databases"]
    t0 = time.monotonic()
    log = {}
    proxy = CountingProxy(fx["endpoint"])
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(tmp, fx, proxy)
        async with stdio_session(args, config, key) as session:
            with step("stdio: list tools; valid JSON Schemas, unique names, annotations"):
                await check_listing(session, log)
            with step("stdio: glue_list_tables pages with a cursor = the library's scanner"):
                await check_paging(session, fx, log)
            with step("stdio: s3_scan_objects pages with a cursor = the library's scanner"):
                await check_objects(session, fx, log)
            with step("stdio: writes on the ReadOnly account refused, zero requests sent"):
                await check_refused_writes(session, proxy, databases, log)
            with step("stdio: athena_run_query on the ReadWrite account, typed rows"):
                await check_query(session, fx, log)
            with step("stdio: missing and unknown accounts refused"):
                await check_accounts(session, databases)
            with step("stdio: AWS errors: kind, AWS code, remedy, no secret"):
                log["errors"] = await check_errors(session, fx)
        with step("http: 401 without or with a wrong token, nothing sent; works with it"):
            await check_http(args, config, key, proxy, databases, log)
    log["proxy_requests"] = proxy.requests
    log["timings"] = TIMINGS
    print(f"tools: {log['tools']} {json.dumps(log['by_service'], sort_keys=True)}")
    print(f"glue_list_tables pages: {log['pages']}")
    print(f"MCP client tests passed in {time.monotonic() - t0:.1f}s")
    if args.transcript:
        Path(args.transcript).write_text(json.dumps(log, indent=2, default=str))


def leaves(group):
    for e in group.exceptions:
        if isinstance(e, BaseExceptionGroup):
            yield from leaves(e)
        else:
            yield e


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except* CheckFailed as group:
        # Also when raised inside the MCP client's task groups.
        for e in leaves(group):
            print(f"MCP CLIENT TEST FAILED: {e}", file=sys.stderr)
        sys.exit(1)
