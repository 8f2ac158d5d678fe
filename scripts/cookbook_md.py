#!/usr/bin/env python3
# Renders docs/cypher-cookbook.md from docs/cookbook/*.cypher and *.expected.json.
# Run from docs/: python3 ../scripts/cookbook_md.py (docs/cookbook_test.go checks the result).
import json, glob, os
out = []
out.append("""# Cypher cookbook: coalition questions

Worked questions about the Lysøen graph, in Cypher, for Neo4j Browser
(`http://127.0.0.1:7474/browser/`), `make cypher-shell` or a driver. The
model they rely on is in [graph-model.md](graph-model.md).

Each query is also a file, `docs/cookbook/NN-name.cypher`, with its answer in
`docs/cookbook/NN-name.expected.json`: the answer was derived by hand from
the source text (`seed/human-security-1999.txt`) and the reference data, and
`docs/cookbook_test.go` runs every query in CI against the seeded test
database (through the same guarded read-only path as the API's `cypher`
field) and compares. A query that stops giving its answer fails the build, so
the cookbook cannot rot. This page is checked too: it must show every file
verbatim.

Run one from the shell:

```sh
make cypher-shell < docs/cookbook/01-luncheon-attendees.cypher
# or: scripts/neo4j.sh cypher-shell -f docs/cookbook/01-luncheon-attendees.cypher
```

Conventions used throughout: match nodes by `id` (`country:CAN`), follow
relationships in their documented direction, and sort explicitly
(`ORDER BY`) so answers are stable. Dates are strings with their precision
(`"1998-12"`); see question 21 for `date()`.

""")
def cell(v):
    if v is None: return "*null*"
    if isinstance(v, list): return ", ".join(cell(x) for x in v) if v else "[]"
    return str(v).replace("|", "\\|")
for f in sorted(glob.glob("cookbook/*.cypher")):
    name = os.path.basename(f)[:-len(".cypher")]
    q = open(f).read()
    e = json.load(open(f[:-len(".cypher")] + ".expected.json"))
    out.append("## %s. %s\n\n" % (name[:2], e["question"]))
    out.append("File: [`cookbook/%s.cypher`](cookbook/%s.cypher)\n\n" % (name, name))
    out.append("```cypher\n" + q + "```\n\n")
    out.append("Answer (%d row%s)%s:\n\n" % (len(e["rows"]), "" if len(e["rows"]) == 1 else "s", "" if not e.get("needs") else ", needs " + e["needs"]))
    out.append("| " + " | ".join(e["columns"]) + " |\n|" + "---|" * len(e["columns"]) + "\n")
    for r in e["rows"]:
        out.append("| " + " | ".join(cell(v) for v in r) + " |\n")
    out.append("\nWhy: " + e["why"] + "\n\n")
open("cypher-cookbook.md", "w").write("".join(out).rstrip() + "\n")
