#!/usr/bin/python3
"""Prints how many ctest tests were skipped and why, from ctest's JUnit report.

Usage: ops/skipped-tests.py build/ctest-junit.xml
A skip is only for what is optional (the books and tokenizer files in ../shared/data);
anything else a test needs is in ops/packages.txt and its absence fails the test.
"""
import collections
import re
import sys
import xml.etree.ElementTree as ET


def skip_reason(output: str) -> str:
    # gtest prints "<file>:<line>: Skipped" then the message, up to "[  SKIPPED ]".
    m = re.search(r": Skipped\n(.*?)\n\[  SKIPPED \]", output, re.S)
    reason = m.group(1).strip() if m else ""
    return reason.splitlines()[0] if reason else "(no reason given)"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"skipped tests: cannot read {sys.argv[1]}: {e}", file=sys.stderr)
        return 1
    by_reason = collections.defaultdict(list)
    total = 0
    for case in root.iter("testcase"):
        total += 1
        if case.get("status") != "notrun" and case.find("skipped") is None:
            continue
        out = case.find("system-out")
        by_reason[skip_reason(out.text if out is not None and out.text else "")].append(
            case.get("name", "?").split("  #")[0])
    skipped = sum(len(v) for v in by_reason.values())
    print(f"skipped: {skipped} of {total} tests")
    for reason, names in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        print(f"  {len(names):3d}  {reason}  ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
