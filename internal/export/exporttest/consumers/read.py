"""Read a Lysøen export with the consumers' own libraries and print what
they found as JSON: networkx for GEXF and GraphML, igraph for GraphML,
pandas for the zipped CSV files. The export tests compare this with the
GraphQL answer for the same subgraph.

usage: read.py gexf|graphml|csv FILE
"""

import json
import sys
import zipfile


def plain(v):
    """Values as JSON can hold them (spells are lists of pairs)."""
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def networkx_graph(G):
    return {
        "graph": plain(dict(G.graph)),
        "directed": G.is_directed(),
        "nodes": {str(n): plain(d) for n, d in G.nodes(data=True)},
        "edges": [{"source": u, "target": v, "data": plain(d)} for u, v, d in G.edges(data=True)],
    }


def read_gexf(path):
    import networkx as nx

    return {"networkx": networkx_graph(nx.read_gexf(path))}


def read_graphml(path):
    import igraph
    import networkx as nx

    out = {"networkx": networkx_graph(nx.read_graphml(path))}
    g = igraph.Graph.Read_GraphML(path)
    out["igraph"] = {
        "directed": g.is_directed(),
        "vcount": g.vcount(),
        "ecount": g.ecount(),
        "graph": {a: plain(g[a]) for a in g.attributes()},
        "vertices": {v["id"]: {a: plain(v[a]) for a in g.vs.attributes()} for v in g.vs},
        "edges": [
            {"source": g.vs[e.source]["id"], "target": g.vs[e.target]["id"], "data": {a: plain(e[a]) for a in g.es.attributes()}}
            for e in g.es
        ],
    }
    return out


def read_csv(path):
    import pandas as pd

    with zipfile.ZipFile(path) as z:
        # Every cell as text, and "NA" (Namibia's code) kept as text.
        nodes = pd.read_csv(z.open("nodes.csv"), dtype=str, keep_default_na=False)
        edges = pd.read_csv(z.open("edges.csv"), dtype=str, keep_default_na=False)
        meta = json.load(z.open("metadata.json"))
        names = z.namelist()
    return {
        "files": names,
        "metadata": meta,
        "nodes": nodes.to_dict(orient="records"),
        "edges": edges.to_dict(orient="records"),
    }


if __name__ == "__main__":
    fmt, path = sys.argv[1], sys.argv[2]
    result = {"gexf": read_gexf, "graphml": read_graphml, "csv": read_csv}[fmt](path)
    json.dump(result, sys.stdout)
