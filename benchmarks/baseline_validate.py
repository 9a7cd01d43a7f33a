"""The validation a user would write without ecgkg: rdflib parses, pySHACL validates.

    python benchmarks/baseline_validate.py --shapes shapes --ontology ontology FILE...

Parses the data files into one rdflib graph and validates it with `pyshacl.validate` against
every shapes file merged into one graph, with the ontology as `ont_graph` and the inference
setting ecgkg uses (none: ecgkg adds the ontology's rdfs:subClassOf triples instead, which
`ont_graph` provides here). Prints whether the data conforms and how many results there are;
exits 0 when it conforms, 1 otherwise (as `ecgkg validate` does with --fail-on info).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pyshacl
import rdflib

FORMATS = {".nt": "nt", ".ttl": "turtle"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", type=Path, required=True)
    parser.add_argument("--ontology", type=Path, required=True)
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args()
    logging.disable(logging.ERROR)
    data = rdflib.Graph()
    for path in args.files:
        data.parse(str(path), format=FORMATS[path.suffix])
    shapes = rdflib.Graph()
    for path in sorted(args.shapes.glob("*.ttl")):
        shapes.parse(str(path), format="turtle")
    ontology = rdflib.Graph()
    for path in sorted(args.ontology.glob("*.ttl")):
        ontology.parse(str(path), format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                           inference="none")
    results = len(set(report.objects(None, rdflib.SH.result)))
    print(f"{len(data)} triples: {'conforms' if conforms else 'does not conform'}, "
          f"{results} results")
    return 0 if conforms else 1


if __name__ == "__main__":
    sys.exit(main())
