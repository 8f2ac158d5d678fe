#!/usr/bin/env python3
"""Answer three cookbook questions with the official Neo4j Python driver.

    pip install -r requirements.txt
    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_PASSWORD=... python cookbook.py [--json]

The queries are the cookbook's own files (docs/cookbook/*.cypher), so this
script asks exactly what docs/cypher-cookbook.md documents. With --json it
prints {name: {"columns": [...], "rows": [...]}} for machine checks; the Go
test examples/python/python_test.go runs it in CI and compares the answers
with docs/cookbook/*.expected.json.
"""
import json
import os
import sys
from pathlib import Path

from neo4j import GraphDatabase, READ_ACCESS

COOKBOOK = Path(__file__).resolve().parent.parent.parent / "docs" / "cookbook"
QUESTIONS = [
    "01-luncheon-attendees",
    "03-shortest-path-thailand-icrc",
    "04-shared-issue-areas-with-canada",
]


def load(name):
    text = (COOKBOOK / (name + ".cypher")).read_text(encoding="utf-8")
    question = text.splitlines()[0].removeprefix("// ").split(" ", 1)[1]
    return question, text


def main(argv):
    uri = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", "lysoen-dev-password"))
    database = os.environ.get("NEO4J_DATABASE") or None
    answers = {}
    with GraphDatabase.driver(uri, auth=auth) as driver:
        driver.verify_connectivity()
        # A read session: the queries only read, and a cluster routes them to readers.
        with driver.session(database=database, default_access_mode=READ_ACCESS) as session:
            for name in QUESTIONS:
                question, query = load(name)
                result = session.run(query)
                columns = list(result.keys())
                rows = [list(record.values()) for record in result]
                answers[name] = {"question": question, "columns": columns, "rows": rows}

    if "--json" in argv:
        json.dump(answers, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for name, a in answers.items():
        print(a["question"])
        for row in a["rows"]:
            print("  " + " | ".join(" -> ".join(v) if isinstance(v, list) else str(v) for v in row))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
