"""The least a Python program can do for `ecgkg query NAME --store DIR --format csv`.

It imports pyoxigraph, opens the store read-only, runs the query and writes CSV: the floor any
Python program pays before doing anything of its own (no command-line library: `ecgkg`'s entry
point reads this call without click, see ecgkg/launcher.py). benchmarks/run.py's store workload runs it as the baseline,
so that ecgkg's distance from the oxigraph binary splits into what Python costs (floor/limit)
and what ecgkg adds (ecgkg/floor).

    python benchmarks/floor_query.py STORE_FOLDER QUERY_FILE
"""

import sys

import pyoxigraph as ox

store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as source:
    answer = store.query(source.read())
sys.stdout.buffer.write(answer.serialize(format=ox.QueryResultsFormat.CSV))
