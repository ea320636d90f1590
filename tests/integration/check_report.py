#!/usr/bin/env python3
"""check_report.py SCHEMA REPORT... - validate mockredis JSON reports.

Every REPORT (one JSON object, docs/reports.md) is checked against SCHEMA
(docs/report.schema.json) by the small interpreter below, which knows the
keywords that schema uses and refuses any other (so the schema cannot grow
past what is checked); when the jsonschema module is importable, by it too.
Only the standard library is required. Exit 0 when all are valid, 1 with
one line per error on stderr otherwise.
"""
import json
import sys

KNOWN = {"$schema", "$id", "title", "description", "type", "required",
         "additionalProperties", "properties", "items", "minimum",
         "minLength", "minItems", "maxItems", "const", "if", "then", "else"}


def is_type(v, t):
    if t == "object":
        return isinstance(v, dict)
    if t == "array":
        return isinstance(v, list)
    if t == "string":
        return isinstance(v, str)
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    raise ValueError("schema type %r not known to check_report.py" % t)


def check(s, v, path, errs):
    unknown = set(s) - KNOWN
    if unknown:
        raise ValueError("schema keywords not known to check_report.py: %s" % sorted(unknown))
    if "type" in s and not is_type(v, s["type"]):
        errs.append("%s: not of type %s" % (path, s["type"]))
        return
    if "const" in s and v != s["const"]:
        errs.append("%s: %r is not %r" % (path, v, s["const"]))
    if "minimum" in s and isinstance(v, int) and v < s["minimum"]:
        errs.append("%s: %r below %r" % (path, v, s["minimum"]))
    if "minLength" in s and isinstance(v, str) and len(v) < s["minLength"]:
        errs.append("%s: shorter than %d" % (path, s["minLength"]))
    if isinstance(v, list):
        if "minItems" in s and len(v) < s["minItems"]:
            errs.append("%s: fewer than %d items" % (path, s["minItems"]))
        if "maxItems" in s and len(v) > s["maxItems"]:
            errs.append("%s: more than %d items" % (path, s["maxItems"]))
        for i, item in enumerate(v):
            if "items" in s:
                check(s["items"], item, "%s[%d]" % (path, i), errs)
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: required field %r missing" % (path, k))
        for k, item in v.items():
            if k in props:
                check(props[k], item, "%s.%s" % (path, k), errs)
            elif s.get("additionalProperties", True) is False:
                errs.append("%s: field %r not in the schema" % (path, k))
    if "if" in s:
        sub = []
        check(s["if"], v, path, sub)
        branch = s.get("then" if not sub else "else")
        if branch is not None:
            check(branch, v, path, errs)


def main():
    if len(sys.argv) < 3:
        print("usage: check_report.py SCHEMA REPORT...", file=sys.stderr)
        return 2
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    try:
        import jsonschema
    except ImportError:
        jsonschema = None
    bad = 0
    for path in sys.argv[2:]:
        with open(path) as f:
            text = f.read()
        errs = []
        try:
            report = json.loads(text)
        except ValueError as e:
            errs.append("not JSON: %s" % e)
        else:
            check(schema, report, "$", errs)
            if jsonschema is not None:
                v = jsonschema.Draft202012Validator(schema)
                errs += ["jsonschema: %s" % e.message for e in v.iter_errors(report)]
        for e in errs:
            print("%s: %s" % (path, e), file=sys.stderr)
        bad += bool(errs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
