#!/usr/bin/python3
"""Validates JSONL files against longforge's topic contracts (schemas/).

    validate_messages.py SCHEMAS_DIR FILE...                     # raw topic messages
    validate_messages.py --format messages|rl-verl|...|rejected SCHEMAS_DIR FILE...  # sink output
    validate_messages.py --format decisions SCHEMAS_DIR DIR/decisions.jsonl  # longforge review

Each line of a FILE is one JSON value. Without --format, a line is validated against
the schema its own `schema` field names ("lf.chunked/v1" ->
SCHEMAS_DIR/lf.chunked/v1.schema.json); with --format, against
SCHEMAS_DIR/formats/<format>.schema.json. Prints `file:line: error` per failure and
a count of validated lines; exits 1 if any line failed, 2 on bad usage.

Needs python3-jsonschema (Debian's /usr/bin/python3 has it). Format checking is off:
the contracts say what the encoders write, not what a `format` keyword would infer.
"""

import argparse
import json
import os
import re
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.stderr.write("validate_messages.py: the jsonschema module is missing "
                     "(apt-get install python3-jsonschema; run with /usr/bin/python3)\n")
    sys.exit(2)

_SCHEMA_NAME = re.compile(r"^(lf(?:\.[a-z]+)+)/(v[0-9]+)$")


class Schemas:
    """Loads each schema file once, on first use."""

    def __init__(self, root):
        self.root = root
        self._validators = {}

    def validator(self, relative_path):
        if relative_path not in self._validators:
            path = os.path.join(self.root, relative_path)
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            Draft202012Validator.check_schema(schema)
            # No format_checker: format checking stays off.
            self._validators[relative_path] = Draft202012Validator(schema)
        return self._validators[relative_path]

    def for_message(self, message):
        """The validator named by the message's own `schema` field, or an error string."""
        if not isinstance(message, dict):
            return None, "not a JSON object"
        name = message.get("schema")
        if not isinstance(name, str):
            return None, 'missing "schema" field'
        m = _SCHEMA_NAME.match(name)
        if not m:
            return None, 'malformed "schema" field %r' % name
        relative = os.path.join(m.group(1), m.group(2) + ".schema.json")
        if not os.path.isfile(os.path.join(self.root, relative)):
            return None, "unknown schema %r (no %s)" % (name, relative)
        return self.validator(relative), None


def _where(error):
    path = "".join("[%d]" % p if isinstance(p, int) else "." + str(p) for p in error.absolute_path)
    return path.lstrip(".") or "<root>"


def validate_file(schemas, path, fmt):
    """Returns (lines validated, failures)."""
    validated = failures = 0
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            validated += 1
            try:
                message = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                print("%s:%d: not valid JSON: %s" % (path, number, e))
                failures += 1
                continue
            if fmt:
                validator = schemas.validator(os.path.join("formats", fmt + ".schema.json"))
            else:
                validator, problem = schemas.for_message(message)
                if problem:
                    print("%s:%d: %s" % (path, number, problem))
                    failures += 1
                    continue
            errors = sorted(validator.iter_errors(message), key=lambda e: list(e.absolute_path))
            for e in errors:
                print("%s:%d: %s: %s" % (path, number, _where(e), e.message))
            failures += bool(errors)
    return validated, failures


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=["messages", "sharegpt", "alpaca", "rl-verl", "rl-swift",
                                             "rejected", "decisions"],
                        help="validate sink output lines against schemas/formats/<format>")
    parser.add_argument("schemas_dir")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)

    schemas = Schemas(args.schemas_dir)
    validated = failed = 0
    for path in args.files:
        try:
            v, f = validate_file(schemas, path, args.format)
        except OSError as e:
            print("%s: %s" % (path, e))
            failed += 1
            continue
        validated += v
        failed += f
    print("%d lines validated, %d failed" % (validated, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
