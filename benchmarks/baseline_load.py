"""The load a user would write without ecgkg: PUT each file into its named graph, as is.

    python benchmarks/baseline_load.py http://127.0.0.1:7878/store FILE...

One SPARQL 1.1 Graph Store Protocol PUT per file (what `curl -X PUT --data-binary @FILE`
does), the graph named by the file's URI; no parsing and no validation on the client.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path
from urllib.parse import quote

CONTENT_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}


def main() -> int:
    store, *files = sys.argv[1:]
    for name in files:
        path = Path(name)
        graph = path.resolve().as_uri()
        request = urllib.request.Request(
            f"{store}?graph={quote(graph, safe='')}", data=path.read_bytes(), method="PUT",
            headers={"Content-Type": CONTENT_TYPES[path.suffix]})
        with urllib.request.urlopen(request, timeout=3600) as response:
            response.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
