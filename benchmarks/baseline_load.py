"""The load a user would write without ecgkg: PUT each file into its named graph, as is.

    python benchmarks/baseline_load.py http://127.0.0.1:7878/store FILE...
    python benchmarks/baseline_load.py --merge [--no-transaction] URL FILE...

One SPARQL 1.1 Graph Store Protocol PUT per file (what `curl -X PUT --data-binary @FILE`
does), the graph named by the file's URI; no parsing and no validation on the client.
--merge also PUTs the files one after the other to the default graph (`?default`): the same
graphs `ecgkg load` sends, so that a comparison shows ecgkg's own overhead apart from the
doubled data. --no-transaction adds Oxigraph's `no_transaction` parameter to each PUT (its
bulk loader: what `ecgkg load --bulk` asks for).
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path
from urllib.parse import quote

CONTENT_TYPES = {".nt": "application/n-triples", ".ttl": "text/turtle"}


def put(url: str, body: bytes, content_type: str) -> None:
    request = urllib.request.Request(url, data=body, method="PUT",
                                     headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=3600) as response:
        response.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--merge", action="store_true",
                        help="also PUT the files one after the other to ?default")
    parser.add_argument("--no-transaction", action="store_true",
                        help="Oxigraph's bulk loader: ?no_transaction on each PUT")
    parser.add_argument("store")
    parser.add_argument("files", nargs="+", type=Path)
    options = parser.parse_args()
    extra = "&no_transaction" if options.no_transaction else ""
    for path in options.files:
        graph = path.resolve().as_uri()
        put(f"{options.store}?graph={quote(graph, safe='')}{extra}", path.read_bytes(),
            CONTENT_TYPES[path.suffix])
    if options.merge:
        types = {CONTENT_TYPES[path.suffix] for path in options.files}
        if types != {"application/n-triples"}:
            parser.error("--merge joins N-Triples files only")
        put(f"{options.store}?default{extra}",
            b"".join(path.read_bytes() for path in options.files), "application/n-triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
