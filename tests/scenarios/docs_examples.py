#!/usr/bin/env python3
"""docs_examples.py DOC EXAMPLES_DIR: every code block of DOC that holds a
"# play" line is a scenario example, and must appear, line for line, in one
of the example files scn_play plays (EXAMPLES_DIR/*.scn): so what the docs
show is what `make test` runs. Exit 0 when all are found, 1 otherwise."""
import glob
import os
import sys


def blocks(text):
    out, cur, inside = [], [], False
    for line in text.splitlines():
        if line.startswith("```"):
            if inside and any(l.startswith("# play") for l in cur):
                out.append("\n".join(cur))
            cur, inside = [], not inside
        elif inside:
            cur.append(line)
    return out


def main():
    doc, examples = sys.argv[1], sys.argv[2]
    files = {p: open(p, encoding="utf-8").read()
             for p in glob.glob(os.path.join(examples, "*.scn"))}
    bad = 0
    found = blocks(open(doc, encoding="utf-8").read())
    for b in found:
        if not any(b in t for t in files.values()):
            first = b.splitlines()[0] if b else ""
            print(f"{doc}: example starting '{first}' is in no {examples}/*.scn file")
            bad += 1
    print(f"{len(found)} examples, {bad} not played")
    return 1 if bad or not found else 0


if __name__ == "__main__":
    sys.exit(main())
