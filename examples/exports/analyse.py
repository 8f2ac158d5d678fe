"""A first networkx analysis of a Lysøen GEXF export (docs/exports.md).

usage: analyse.py FILE.gexf [YYYY-MM-DD]

Prints who the file says it is from (dataset version), the nodes and
relationships by type, the relationships in force on the given day (a
spell covers the whole year or month of a year- or month-precise date),
and the actors ranked by betweenness centrality in that day's graph.
"""

import sys
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx

path = sys.argv[1]
day = sys.argv[2] if len(sys.argv) > 2 else None

# The export's metadata: GEXF keeps it in <meta><description>.
meta = ET.parse(path).getroot().find("{http://gexf.net/1.3}meta")
print(meta.find("{http://gexf.net/1.3}description").text)
print()

G = nx.read_gexf(path)
print(f"{G.number_of_nodes()} nodes:", dict(Counter(d["type"] for _, d in G.nodes(data=True))))
print(f"{G.number_of_edges()} relationships:", dict(Counter(d["type"] for _, _, d in G.edges(data=True))))


def in_force(data, day):
    """True when the element has no spell, or one spell covers day (ISO dates
    compare as strings; networkx reads an open end as the string 'None')."""
    for start, end in data.get("spells", []):
        if start not in (None, "None") and day < start:
            return False
        if end not in (None, "None") and day > end:
            return False
    return True


if day:
    H = nx.DiGraph()
    H.add_nodes_from((n, d) for n, d in G.nodes(data=True) if in_force(d, day))
    H.add_edges_from((u, v, d) for u, v, d in G.edges(data=True) if in_force(d, day) and u in H and v in H)
    print(f"\nOn {day}: {H.number_of_nodes()} nodes and {H.number_of_edges()} relationships in force")
    for u, v, d in G.edges(data=True):
        if d.get("spells") and in_force(d, day):
            print(f"  {G.nodes[u]['label']} -{d['type']}-> {G.nodes[v]['label']}  {d['spells']}  «{d.get('evidence', '')[:70]}»")
    G = H

ranking = nx.betweenness_centrality(G.to_undirected())
actors = [(s, n) for n, s in ranking.items() if G.nodes[n]["type"] in ("Country", "Organization")]
print("\nActors by betweenness centrality:")
for score, n in sorted(actors, reverse=True)[:5]:
    print(f"  {score:.3f}  {G.nodes[n]['label']}")
