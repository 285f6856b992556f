#!/usr/bin/env python3
"""Checks every response shape nbsync-lab serves against NetBox's own OpenAPI schema.

Starts the real nbsync-lab on loopback, drives each endpoint nbsync uses, and validates
the JSON it gets with python3-jsonschema against ../shared/netbox/openapi.json (NetBox
4.2.2's published schema). Exits 0 when all match, 1 with one line per mismatch.

Known, documented gaps between NetBox's schema and NetBox itself (API-NOTES.md) are
applied to the schema before checking, never silently: see SCHEMA_FIXES.
"""
import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import jsonschema

TOKEN = "0123456789abcdef0123456789abcdef01234567"

# NetBox serializes an empty `face`/`airflow` as null although its schema says object
# (API-NOTES.md, section 2). The lab does what NetBox does.
# NetBox's ConfigTemplate serializer gives null `data_source`/`data_file` for a template not
# synced from a data source, though its schema says object.
SCHEMA_FIXES = [("DeviceWithConfigContext", "face"), ("DeviceWithConfigContext", "airflow"),
                ("ConfigTemplate", "data_source"), ("ConfigTemplate", "data_file")]
# render-config's 200 body (extras/api/mixins.py ConfigTemplateRenderMixin); NetBox's schema
# wrongly names the device serializer there. Its 400 for a device without a template.
RENDERED_SCHEMA = {"type": "object", "required": ["configtemplate", "content"], "additionalProperties": False,
                   "properties": {"configtemplate": {"$ref": "#/components/schemas/BriefConfigTemplate"},
                                  "content": {"type": "string"}}}
NO_TEMPLATE_SCHEMA = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}},
                      "additionalProperties": False}

DETAIL_SCHEMA = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}},
                 "additionalProperties": False}
FIELD_ERRORS_SCHEMA = {"type": "object", "minProperties": 1,
                       "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1}}
SERVER_ERROR_SCHEMA = {"type": "object", "required": ["error", "exception", "netbox_version", "python_version"]}


def to_json_schema(node):
    """OpenAPI 3.0 schema objects -> JSON Schema draft 4 (nullable becomes a null alternative)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


class Checker:
    def __init__(self, openapi):
        doc = copy.deepcopy(openapi)
        schemas = doc["components"]["schemas"]
        for schema_name, prop in SCHEMA_FIXES:
            schemas[schema_name]["properties"][prop]["nullable"] = True
        self.root = to_json_schema(doc)
        self.resolver = jsonschema.RefResolver.from_schema(self.root)
        self.failures = []
        self.checked = 0

    def check(self, what, instance, schema):
        self.checked += 1
        if isinstance(schema, str):
            schema = {"$ref": "#/components/schemas/" + schema}
        validator = jsonschema.Draft4Validator(schema, resolver=self.resolver)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for error in errors[:5]:
            path = "/".join(str(p) for p in error.absolute_path)
            self.failures.append(f"{what}: at '{path}': {error.message[:300]}")
        print(f"{'FAIL' if errors else 'ok  '} {what}")


class Lab:
    def __init__(self, binary, workdir):
        token_file = os.path.join(workdir, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        self.process = subprocess.Popen(
            # --bastion-sites: the lab defines the nbsync_jump_host custom field and sets it on
            # the devices behind a bastion, so both shapes are checked too.
            [binary, "--devices", "60", "--seed", "3", "--api", "127.0.0.1:0", "--ssh-port", "0", "--token-file", token_file,
             "--bastion-sites", "0.5"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("ready "):
            self.stop()
            raise RuntimeError("nbsync-lab did not start: " + line + self.process.stderr.read())
        self.url = dict(word.split("=", 1) for word in line.split()[1:])["api"]

    def call(self, method, path, body=None, token=TOKEN):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            request.add_header("Authorization", "Token " + token)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                return error.code, json.loads(raw)
            except ValueError:
                return error.code, raw.decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def expect_status(checker, what, status, expected):
    if status != expected:
        checker.failures.append(f"{what}: HTTP {status}, expected {expected}")


def run(lab, checker):
    status, body = lab.call("POST", "/api/extras/custom-fields/", {
        "object_types": ["dcim.device"], "name": "nbsync_last_backup", "label": "Last backup", "type": "datetime",
        "group_name": "nbsync", "description": "Set by nbsync", "required": False, "ui_visible": "always",
        "ui_editable": "no", "filter_logic": "exact", "default": None})
    expect_status(checker, "POST custom-fields", status, 201)
    checker.check("POST /api/extras/custom-fields/ -> CustomField", body, "CustomField")
    lab.call("POST", "/api/extras/custom-fields/", {"object_types": ["dcim.device"], "name": "nbsync_status", "type": "text"})
    status, body = lab.call("GET", "/api/extras/custom-fields/")
    checker.check("GET /api/extras/custom-fields/", body, "PaginatedCustomFieldList")
    if not any(field.get("name") == "nbsync_jump_host" for field in body.get("results", [])):
        checker.failures.append("GET /api/extras/custom-fields/: the bastion field nbsync_jump_host is missing")

    status, body = lab.call("PATCH", "/api/dcim/devices/1/",
                            {"custom_fields": {"nbsync_last_backup": "2025-06-01T02:00:00+00:00", "nbsync_status": "ok"}})
    expect_status(checker, "PATCH device", status, 200)
    checker.check("PATCH /api/dcim/devices/1/ -> device", body, "DeviceWithConfigContext")
    status, body = lab.call("PATCH", "/api/dcim/devices/", [{"id": 2, "custom_fields": {"nbsync_status": "failed"}},
                                                           {"id": 3, "status": "offline"}])
    checker.check("PATCH /api/dcim/devices/ (bulk)", body, {"type": "array", "items": {"$ref": "#/components/schemas/DeviceWithConfigContext"}})

    for query in ["", "?limit=60", "?exclude=config_context&limit=25&offset=25", "?status=active&has_primary_ip=true"]:
        status, body = lab.call("GET", "/api/dcim/devices/" + query)
        checker.check("GET /api/dcim/devices/" + query, body, "PaginatedDeviceWithConfigContextList")
        if not body["results"]:
            checker.failures.append("GET /api/dcim/devices/" + query + ": no results to check")
        if not any(d["custom_fields"].get("nbsync_jump_host") for d in body["results"]):
            checker.failures.append("GET /api/dcim/devices/" + query + ": no device behind a bastion to check")
    status, body = lab.call("GET", "/api/dcim/devices/?brief=true")
    checker.check("GET /api/dcim/devices/?brief=true",
                  body, {"type": "object", "required": ["count", "results"],
                         "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/BriefDevice"}}}})
    status, body = lab.call("GET", "/api/dcim/devices/1/")
    checker.check("GET /api/dcim/devices/1/", body, "DeviceWithConfigContext")
    status, body = lab.call("GET", "/api/dcim/platforms/")
    checker.check("GET /api/dcim/platforms/", body, "PaginatedPlatformList")
    status, body = lab.call("GET", "/api/dcim/sites/")
    checker.check("GET /api/dcim/sites/", body, "PaginatedSiteList")
    status, body = lab.call("GET", "/api/dcim/sites/?region=europe&brief=1")
    checker.check("GET /api/dcim/sites/?region=europe&brief=1", body,
                  {"type": "object", "required": ["count", "results"],
                   "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/BriefSite"}}}})
    if not body.get("results"):
        checker.failures.append("GET /api/dcim/sites/?region=europe: no site in Europe to check")
    status, body = lab.call("GET", "/api/dcim/regions/")
    checker.check("GET /api/dcim/regions/", body, "PaginatedRegionList")
    if not any(region.get("parent") for region in body.get("results", [])):
        checker.failures.append("GET /api/dcim/regions/: no region with a parent to check")

    status, body = lab.call("POST", "/api/extras/journal-entries/", {
        "assigned_object_type": "dcim.device", "assigned_object_id": 1, "kind": "success", "comments": "Config changed (+3/-1)"})
    expect_status(checker, "POST journal-entries", status, 201)
    checker.check("POST /api/extras/journal-entries/ -> JournalEntry", body, "JournalEntry")
    status, body = lab.call("POST", "/api/extras/journal-entries/", [
        {"assigned_object_type": "dcim.device", "assigned_object_id": 2, "kind": "danger", "comments": "Backup failed"}])
    checker.check("POST /api/extras/journal-entries/ (list)", body, {"type": "array", "items": {"$ref": "#/components/schemas/JournalEntry"}})
    status, body = lab.call("GET", "/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=1")
    checker.check("GET /api/extras/journal-entries/", body, "PaginatedJournalEntryList")

    status, body = lab.call("POST", "/api/extras/custom-links/", {
        "name": "nbsync history", "object_types": ["dcim.device"], "link_text": "Config history",
        "link_url": "https://nbsync.example/d/{{ object.id }}", "button_class": "blue", "new_window": True})
    expect_status(checker, "POST custom-links", status, 201)
    checker.check("POST /api/extras/custom-links/ -> CustomLink", body, "CustomLink")
    status, body = lab.call("GET", "/api/extras/custom-links/")
    checker.check("GET /api/extras/custom-links/", body, "PaginatedCustomLinkList")

    status, body = lab.call("GET", "/api/extras/config-templates/")
    checker.check("GET /api/extras/config-templates/", body, "PaginatedConfigTemplateList")
    status, body = lab.call("GET", "/api/dcim/devices/?limit=100")
    templated = [d["id"] for d in body["results"] if d["config_template"]]
    plain = [d["id"] for d in body["results"] if not d["config_template"]]
    if not templated or not plain:
        checker.failures.append("GET /api/dcim/devices/: devices with and without a config template expected")
    else:
        status, body = lab.call("POST", f"/api/dcim/devices/{templated[0]}/render-config/", {})
        expect_status(checker, "render-config", status, 200)
        checker.check("POST /api/dcim/devices/{id}/render-config/", body, RENDERED_SCHEMA)
        status, body = lab.call("POST", f"/api/dcim/devices/{plain[0]}/render-config/", {})
        expect_status(checker, "render-config without a template", status, 400)
        checker.check("400 render-config without a template", body, NO_TEMPLATE_SCHEMA)
        status, body = lab.call("POST", f"/api/dcim/devices/{templated[0]}/render-config/", {}, token="2" * 40)
        expect_status(checker, "render-config with a read-only token", status, 403)
        checker.check("403 render-config with a read-only token", body, DETAIL_SCHEMA)

    status, body = lab.call("GET", "/api/status/")
    schema = checker.root["paths"]["/api/status/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    checker.check("GET /api/status/", body, schema)
    if not isinstance(body, dict) or "netbox-version" not in body:
        checker.failures.append("GET /api/status/: no netbox-version")

    # Error bodies (API-NOTES.md section 8; NetBox's schema does not describe them).
    status, body = lab.call("GET", "/api/dcim/devices/", token=None)
    expect_status(checker, "no token", status, 403)
    checker.check("403 without a token", body, DETAIL_SCHEMA)
    status, body = lab.call("GET", "/api/dcim/devices/", token="f" * 40)
    checker.check("403 with a wrong token", body, DETAIL_SCHEMA)
    status, body = lab.call("GET", "/api/dcim/devices/999999/")
    expect_status(checker, "missing device", status, 404)
    checker.check("404 for a missing device", body, DETAIL_SCHEMA)
    status, body = lab.call("PATCH", "/api/dcim/devices/1/", {"custom_fields": {"nope": 1}})
    expect_status(checker, "unknown custom field", status, 400)
    checker.check("400 for an unknown custom field", body, FIELD_ERRORS_SCHEMA)
    status, body = lab.call("GET", "/api/dcim/devices/?site=atlantis")
    checker.check("400 for an unknown slug", body, FIELD_ERRORS_SCHEMA)
    status, body = lab.call("GET", "/api/dcim/sites/?region=atlantis")
    expect_status(checker, "unknown region", status, 400)
    checker.check("400 for an unknown region", body, FIELD_ERRORS_SCHEMA)
    status, body = lab.call("PUT", "/api/dcim/devices/", [])
    expect_status(checker, "PUT", status, 405)
    checker.check("405 for a wrong method", body, DETAIL_SCHEMA)
    urllib.request.urlopen(urllib.request.Request(lab.url + "/lab/faults", method="POST",
                                                  data=b'{"kind": "status", "status": 500}',
                                                  headers={"Content-Type": "application/json"}), timeout=10).read()
    status, body = lab.call("GET", "/api/dcim/devices/")
    expect_status(checker, "injected 500", status, 500)
    checker.check("500 server error", body, SERVER_ERROR_SCHEMA)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", required=True, help="path to the nbsync-lab binary")
    parser.add_argument("--openapi", required=True, help="path to shared/netbox/openapi.json")
    args = parser.parse_args()
    if not os.path.exists(args.openapi):
        # A user's clone has no shared/ beside it: skip (ctest's SKIP_RETURN_CODE 77), saying
        # why. CI always has shared/, so there a missing schema is a failure.
        where = (f"{args.openapi} not found; it is shared/netbox/openapi.json beside the repository "
                 "(pass another path with -DNBSYNC_OPENAPI=...)")
        if os.environ.get("CI"):
            print(f"check_schema: {where}", file=sys.stderr)
            return 1
        print(f"check_schema: skipped: {where}")
        return 77
    with open(args.openapi) as f:
        checker = Checker(json.load(f))
    with tempfile.TemporaryDirectory() as workdir:
        lab = Lab(args.lab, workdir)
        try:
            run(lab, checker)
        finally:
            lab.stop()
    for failure in checker.failures:
        print("MISMATCH " + failure)
    print(f"{checker.checked - len(checker.failures)} passed, {len(checker.failures)} failed")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
