"""Mutation check: make one careless-looking edit at a time to shapes, queries, data, ontology
or code, run the tests that guard it, and count how many edits the tests catch ("kill").

    python tools/mutate.py                          # every mutant (slow: an hour or more)
    python tools/mutate.py --kinds shapes --sample 60 --seed 1
    python tools/mutate.py --kinds code,queries -o mutation.md

Each mutant is applied to a copy of the checkout in a temporary folder (this checkout is never
touched) and the copy's tests run there with `python -m pytest -x`, importing the copy's
`ecgkg`. A mutant is killed when pytest fails. Shape mutants first run the fixtures of their
own shapes file, then the rest only if those pass, which keeps a killed mutant cheap.

Outside the default test run (pytest collects tests/ only); the README's testing section has
the last score and the survivors, each killed since or explained.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "--no-header"]

# What guards each kind of content: the tests a mutant of that kind must fail.
TESTS = {
    "shapes": ["tests/test_shapes.py", "-k", "gives_exactly or golden or pinned"],
    "queries": ["tests/test_query_edge_data.py", "tests/test_queries.py",
                "tests/test_formats_golden.py", "tests/test_meta.py",
                "tests/test_query_languages.py", "tests/test_stated_twice.py"],
    # pytest's -k applies to every file named with it: a "|" starts another pytest run, so that
    # the files after it run whole (the -k once deselected test_reference_data.py's tests here)
    "data": ["tests/test_shapes.py", "-k", "golden or bundled", "|", "tests/test_queries.py",
             "tests/test_reference_data.py",
             "tests/test_summary_statements.py", "tests/test_data_files.py",
             "tests/test_curator_links.py"],
    "ontology": ["tests/test_ontology.py", "tests/test_queries.py", "|", "tests/test_shapes.py",
                 "-k", "golden or bundled or roles or minted"],
    "code": ["tests/test_cli.py", "tests/test_formats_golden.py", "tests/test_queries.py",
             "tests/test_stated_twice.py", "tests/test_meta.py", "tests/test_validate.py"],
}

# Parameters whose line a shapes mutant deletes (canonical Turtle: one parameter per line).
SHAPE_PARAMETERS = ("class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive",
                    "pattern", "languageIn", "uniqueLang", "hasValue", "in", "closed",
                    "qualifiedValueShape", "qualifiedMinCount")

# The tests that guard each core module, for its code mutants (others run TESTS["code"]); the
# quickest to fail come first, since pytest stops at the first failure (-x).
ENGINE_TESTS = ["tests/test_w3c_shacl.py", "tests/test_validate.py", "tests/test_validate_engine.py"]
CODE_TESTS = {
    "ecgkg/limits.py": ["tests/test_limits.py", "tests/test_trust_boundaries.py"],
    "ecgkg/http.py": ["tests/test_http.py", "tests/test_trust_boundaries.py", "tests/test_remote.py"],
    "ecgkg/files.py": ["tests/test_files.py", "tests/test_cli.py"],
    "ecgkg/store.py": ["tests/test_store.py", "tests/test_api.py", "tests/test_cli.py",
                       "tests/test_queries.py"],
    "ecgkg/rdf/reader.py": ["tests/test_reader.py", "tests/test_trust_boundaries.py",
                            "tests/test_limits.py", "tests/test_validate_engine.py"],
    "ecgkg/library.py": ["tests/test_library.py", "tests/test_trust_boundaries.py",
                         "tests/test_api.py", "tests/test_cli.py",
                         "tests/test_queries.py", "tests/test_meta.py"],
    "ecgkg/results.py": ["tests/test_results_layout.py", "tests/test_formats_golden.py",
                         "tests/test_api.py", "tests/test_cli.py",
                         "tests/test_queries.py"],
    "ecgkg/shacl/engine.py": ["tests/test_engine_constraints.py", *ENGINE_TESTS],
    "ecgkg/shacl/sparql.py": ["tests/test_sparql_constraints.py",
                              "tests/test_validate_contract.py", *ENGINE_TESTS],
    "ecgkg/launcher.py": ["tests/test_launcher.py", "tests/test_cli.py", "tests/test_store.py"],
    "ecgkg/shacl/sparql_reads.py": ["tests/test_sparql_reads.py", *ENGINE_TESTS],
    "ecgkg/shacl/validator.py": ["tests/test_sparql_reads.py", *ENGINE_TESTS],
    "ecgkg/shacl/messages.py": ["tests/test_messages.py", "tests/test_validate.py",
                                "tests/test_shapes.py", "tests/test_validate_contract.py",
                                "tests/test_w3c_shacl.py"],
}

# Hand-made code mutants: (file, text, replacement, what a careless edit would do). The text must
# occur exactly once in its file: code_mutants() stops the run when it does not, so that a moved
# or rewritten line cannot silently shrink the set.
CODE_MUTANTS = [
    # formatters, export, build, validate (the first set)
    ("ecgkg/results.py", '"|" + "---|" * len(variables)', '"|" + "---|" * (len(variables) - 1)',
     "Markdown separator row one cell short"),
    ("ecgkg/results.py", "clip(c, w).ljust(w)", "clip(c, w).ljust(w - 1)",
     "table columns one character short"),
    ("ecgkg/results.py", 'elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":',
     "elif False:", "JSON results lose literal datatypes"),
    ("ecgkg/results.py", 'delimiter="," if fmt == "csv" else "\\t"', 'delimiter=","',
     "TSV written with commas"),
    ("ecgkg/export.py",
     "built.merge_store.dump(stream, rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)",
     "ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in built.store), stream, "
     "format=rdf_format, prefixes=prefixes)",
     "export no longer de-duplicates triples (every file's graph, not the merge)"),
    ("ecgkg/build.py", "COUNT(DISTINCT ?s)", "COUNT(?s)", "class counts count a typing per file"),
    ("ecgkg/build.py", "ORDER BY DESC(?instances) ?class", "ORDER BY DESC(?instances)",
     "class counts in no stable order"),
    ("ecgkg/shacl/model.py", "any(result.severity_rank <= threshold",
     "any(result.severity_rank < threshold", "--fail-on ignores results of exactly its level"),
    ("ecgkg/shacl/reports.py", '"Info": "note"', '"Info": "warning"',
     "SARIF infos reported as warnings"),
    ("ecgkg/query.py", "return sorted(tuple(term_text(t) for t in row) for row in self.rows)",
     "return [tuple(term_text(t) for t in row) for row in self.rows]",
     "sorted_rows no longer sorts"),
    # results.py
    ("ecgkg/results.py", "room = total - gap * (len(widths) - 1)", "room = total - gap * len(widths)",
     "table fitting counts one gap too many"),
    ("ecgkg/results.py", "text[: max(width - 1, 0)] + ", "text[:width] + ",
     "a clipped cell one character wider than its column"),
    ("ecgkg/results.py", "row{'s' if len(rows) != 1 else ''}", "row{'s' if len(rows) > 1 else ''}",
     "'(0 row)' under an empty table"),
    ("ecgkg/results.py", "if datatype in _INTEGERS:", "if datatype == XSD + 'integer':",
     "API: xsd:positiveInteger and friends stay text"),
    # limits.py
    ("ecgkg/limits.py", "if value <= 0:", "if value < 0:", "a limit of 0 accepted"),
    ("ecgkg/limits.py", "if deepest > limit:", "if deepest > limit + 1:",
     "query depth limit off by one"),
    ("ecgkg/limits.py", "depth = max(0, depth - 1)", "depth = max(0, depth)",
     "closing brackets not counted: groups side by side add up"),
    ("ecgkg/limits.py", "if value[:1] not in (b'\"', b\"'\"):", "if False:",
     "external XML entities no longer refused"),
    ("ecgkg/limits.py", "if name in seen:", "if False:",
     "a self-referring XML entity is a RecursionError"),
    ("ecgkg/limits.py", "expanded += size(reference.group(1), ())",
     "expanded = size(reference.group(1), ())", "XML entity references no longer add up"),
    ("ecgkg/limits.py", "toks[i + 1:i + 3]", "toks[i + 1:i + 2]",
     "SERVICE SILENT <iri> named as '?'"),
    ("ecgkg/limits.py", "DEFAULT_QUERY_DEPTH = 256", "DEFAULT_QUERY_DEPTH = 64",
     "default query depth changed"),
    # http.py
    ("ecgkg/http.py", "port = parts.port or _DEFAULT_PORTS.get(scheme)", "port = parts.port",
     "http://h and http://h:80 are different origins"),
    ("ecgkg/http.py", "if origin(newurl) != origin(req.full_url):",
     "if urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:",
     "a redirect to another port of the host is followed"),
    ("ecgkg/http.py", 'netloc = f"{user}:***@{host}"', 'netloc = f"{user}:{parts.password}@{host}"',
     "the password shown in messages"),
    ("ecgkg/http.py", 'return unquote(parts.username), unquote(parts.password or "")',
     'return parts.username, parts.password or ""', "URL credentials not percent-decoded"),
    ("ecgkg/http.py", 'if parts.scheme not in ("http", "https")',
     'if parts.scheme not in ("http", "https", "file")', "file: URLs accepted as endpoints"),
    ("ecgkg/http.py", "if code in (307, 308) and req.data is not None:",
     "if code == 307 and req.data is not None:", "a 308 redirect drops the query"),
    # files.py
    ("ecgkg/files.py", "        if not follow_symlinks:\n", "        if follow_symlinks:\n",
     "symbolic links replaced unless asked not to"),
    ("ecgkg/files.py", "if not stat.S_ISREG(info.st_mode):", "if stat.S_ISSOCK(info.st_mode):",
     "devices and FIFOs written to"),
    ("ecgkg/files.py", "int(pid) == os.getpid()", "int(pid) != os.getpid()",
     "a dead writer's leftover never removed"),
    ("ecgkg/files.py", "if not path.parent.is_dir():", "if False:",
     "a missing folder no longer named as such"),
    ("ecgkg/files.py", "        except BaseException:\n            named.unlink(missing_ok=True)",
     "        except BaseException:\n            pass", "a failed fallback write leaves its file"),
    # store.py
    ("ecgkg/store.py", "reason = reason[:157] + ", "reason = reason[:160] + ",
     "shortened SPARQL errors three characters too long"),
    ("ecgkg/store.py", "if not bool(store.query(BLANK_NODES.format(graph=graph))):", "if True:",
     "a big file with blank nodes parsed twice (the merge gets other blank nodes)"),
    ("ecgkg/store.py", 'DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"',
     'DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"',
     "triple count counts a triple once per file"),
    ("ecgkg/store.py", "return (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))",
     "return (q for q in store)", "named_quads includes the merge"),
    # rdf/reader.py
    ("ecgkg/rdf/reader.py", 'line = f":{error.lineno}" if', 'line = f":{error.lineno - 1}" if',
     "syntax errors one line early"),
    ("ecgkg/rdf/reader.py", 'graph.startswith((own + "/", own + "#"))', "graph.startswith(own)",
     "a quad file may write a sibling's graph (own IRI plus any text)"),
    ("ecgkg/rdf/reader.py", 'data.find(b"[") < 0 and data.find(b"(") < 0', 'data.find(b"[") < 0',
     "a Turtle collection not seen as blank nodes"),
    ("ecgkg/rdf/reader.py", 'blank(f"{label}{len(names)}")', 'blank(f"{label}{len(names) + 1}")',
     "blank nodes numbered from 1"),
    ("ecgkg/rdf/reader.py", "if syntax == ox.RdfFormat.RDF_XML:",
     "if syntax == ox.RdfFormat.TURTLE:", "XML entity expansion not checked"),
    ("ecgkg/rdf/reader.py", "default_graph_into(owned(path, iter(scratch)), target)",
     "default_graph_into(iter(scratch), target)", "load lets a quad file write any graph"),
    # library.py
    ("ecgkg/library.py", 'r"-?\\d{4,}"', 'r"-?\\d{2,}"', "a gYear parameter of two digits accepted"),
    ("ecgkg/library.py", "if curie and curie.group(1) in PREFIXES:", "if curie:",
     "an unknown prefix in an IRI parameter expanded to nothing"),
    ("ecgkg/library.py", 'i += 2 if toks[i].text.upper() == "BASE" else 3',
     'i += 2', "an update after a PREFIX line not recognised"),
    ("ecgkg/library.py", 'if key in seen and key in ("title", "columns"):',
     'if key in seen and key == "title":', "a second #+ columns line accepted"),
    ("ecgkg/library.py", "if len(parts) != 4:", "if len(parts) < 4:",
     "a #+ param line with extra fields accepted"),
    ("ecgkg/library.py", "if any(p.name == name for p in query.params):", "if False:",
     "a parameter declared twice accepted"),
    ("ecgkg/library.py", "if projected is not None and projected != query.columns:",
     "if projected is not None and set(projected) != set(query.columns):",
     "#+ columns in another order than SELECT accepted"),
    # shacl/messages.py
    ("ecgkg/shacl/messages.py", 'for wanted in ("en", None):', 'for wanted in (None, "en"):',
     "an untagged message preferred to the English one"),
    ("ecgkg/shacl/messages.py", ' or (wanted == "en" and (language or "").startswith("en"))', "",
     "an en-GB message not taken as English"),
    ("ecgkg/shacl/messages.py", '"MaxCount": "More than {maxCount} values',
     '"MaxCount": "More than {minCount} values', "MaxCount message names the wrong parameter"),
    ("ecgkg/shacl/messages.py", "str(XSD.integer), str(XSD.decimal), ", "str(XSD.integer), ",
     "decimals in messages written with their datatype"),
    # shacl/sparql.py
    ("ecgkg/shacl/sparql.py", "        sources.extend(graph.objects(source, OWL.imports))\n", "",
     "sh:prefixes through owl:imports not followed"),
    ("ecgkg/shacl/sparql.py", "<{RDF.type}>/<{RDFS.subClassOf}>* <{cls}>", "<{RDF.type}> <{cls}>",
     "SPARQL constraints miss instances of subclasses"),
    ("ecgkg/shacl/sparql.py", "if deactivated and deactivated[0].value:", "if deactivated:",
     "sh:deactivated false deactivates"),
    ("ecgkg/shacl/sparql.py", "        if message in constraint.shape_messages:\n            continue\n",
     "", "a message both on the constraint and the shape given twice"),
    ("ecgkg/shacl/sparql.py", "int(found.group(1)) - offset", "int(found.group(1))",
     "sh:select syntax errors count the prologue's lines"),
    ("ecgkg/shacl/sparql.py", 'if "shapesGraph" in analysis.mentioned:',
     'if "shapesGraph" in analysis.projects:', "$shapesGraph in a WHERE clause not refused"),
    # shacl/engine.py
    ("ecgkg/shacl/engine.py", "if len(unique(listed(get(f)))) < count]",
     "if len(unique(listed(get(f)))) <= count]", "sh:minCount above 1 wants one more value"),
    ("ecgkg/shacl/engine.py", "if len(vs) > count and len(unique(vs)) > count:",
     "if len(vs) > count and len(unique(vs)) >= count:", "sh:maxCount allows one value fewer"),
    ("ecgkg/shacl/engine.py", '"minInclusive": lambda c: c >= 0,', '"minInclusive": lambda c: c > 0,',
     "sh:minInclusive excludes its bound"),
    ("ecgkg/shacl/engine.py", "else len(text) <= self.length", "else len(text) < self.length",
     "sh:maxLength excludes its bound"),
    ("ecgkg/shacl/engine.py", 'return language.split("-")[0].lower() in self.languages',
     "return False", "sh:languageIn en refuses en-GB"),
    ("ecgkg/shacl/engine.py", "if isinstance(v, Literal) and v.language:\n                    language",
     "if isinstance(v, Literal):\n                    language",
     "sh:uniqueLang counts untagged literals as one language"),
    ("ecgkg/shacl/engine.py", "(count <= limit if too_many else count >= limit)",
     "(count < limit if too_many else count >= limit)", "sh:qualifiedMaxCount excludes its bound"),
    ("ecgkg/shacl/engine.py", "if rule == RDFS_LITERAL:\n", "if rule == RDFS_LITERAL and False:\n",
     "sh:datatype rdfs:Literal refuses other literals"),
    # launcher.py: the entry point's fast door must take only the calls it reads without doubt
    ("ecgkg/launcher.py", "if key is None or key in found or not value", "if key is None or not value",
     "an option given twice taken by the fast door (click would take the last)"),
    ("ecgkg/launcher.py", 'elif token.startswith("-"):\n            return None',
     'elif token.startswith("-"):\n            index += 1\n            continue',
     "other options silently dropped by the fast door"),
    ("ecgkg/launcher.py", "return error.exit_code", "return 1", "the fast door's errors exit 1"),
    ("ecgkg/launcher.py", 'sys.stderr.write(f"ecgkg: error: {one_line(str(error))}\\n")',
     'sys.stderr.write(f"error: {error}\\n")', "the fast door's errors unlike the command line's"),
    ("ecgkg/launcher.py", "if sys.stdout.isatty():", "if True:",
     "a piped table fitted to a terminal's width"),
    # the validator's memory: one value bare in the index, a SPARQL store of what queries read
    ("ecgkg/shacl/engine.py", "                m[ks] = [values, ko]", "                m[ks] = values",
     "the index keeps the first of a subject's values only"),
    ("ecgkg/shacl/engine.py", "                        found[o] = [subjects, s]",
     "                        found[o] = s", "an inverse path keeps the last subject only"),
    ("ecgkg/shacl/engine.py", "        if kept:\n            feed(kept)\n", "",
     "the SPARQL store misses the last batch of each file"),
    ("ecgkg/shacl/sparql_reads.py", 'if tok.kind == "iri" or (tok.kind == "name" and (":" in tok.text or tok.text == "a")):',
     'if tok.kind in ("iri", "var") or (tok.kind == "name" and (":" in tok.text or tok.text == "a")):',
     "a variable predicate read as naming a predicate"),
    ("ecgkg/shacl/sparql_reads.py", '        elif tok.kind == "other" and tok.text == "(":\n            i = self.path(i + 1)',
     '        elif tok.kind == "other" and tok.text == "!":\n            return self.path_element(i + 1)\n'
     '        elif tok.kind == "other" and tok.text == "(":\n            i = self.path(i + 1)',
     "a negated property set read as naming its predicates"),
    ("ecgkg/shacl/sparql_reads.py", "                found.add(self.prefixes[prefix] + ESCAPE.sub(r\"\\1\", local))",
     "                found.add(self.prefixes[prefix] + local)",
     "escaped characters of a prefixed name kept with their backslash"),
    ("ecgkg/shacl/sparql_reads.py", "            elif word == \"FILTER\":\n                i = self.constraint(i + 1)",
     "            elif word == \"FILTER\":\n                i = self.expression(i + 1) if self.text(i + 1) == \"(\" else i + 1",
     "FILTER NOT EXISTS groups not read"),
    # session 6: the store picked from N-Triples text by default
    ("ecgkg/shacl/sparql_reads.py", "    return subject[:1] == b\"<\" and subject.find(b\">\") == len(subject) - 1",
     "    return True", "a line with a tab after its subject judged by its object"),
    ("ecgkg/shacl/sparql_reads.py", " or b\"\\\\\" in token:", ":",
     "a predicate written with \\u escapes taken for another predicate"),
    ("ecgkg/rdf/reader.py", "                end = piece.rfind(b\"\\n\") + 1",
     "                end = piece.rfind(b\"\\n\")", "chunks cut before the end of their last line"),
    ("ecgkg/shacl/validator.py", "                      if p in bulk and p not in as_text and feed is None])",
     "                      if p in bulk and feed is None])", "N-Triples files loaded whole as well as picked"),
    ("ecgkg/shacl/validator.py", "        for quads in parsed.values():\n            runner.add_read(quads)",
     "        for quads in parsed.values():\n            runner.add(quads)", "files with blank nodes not picked"),
    ("ecgkg/shacl/validator.py", "                if self.on_done is not None:\n                    self.on_done()\n", "",
     "the class hierarchy not handed to the store after the text"),
]


@dataclass
class Mutant:
    kind: str
    path: str  # relative to the checkout
    line: int
    description: str
    text: str  # the whole mutated file


def replace_line(lines: list[str], index: int, new: str | None) -> str:
    out = lines[:index] + ([new] if new is not None else []) + lines[index + 1:]
    return "".join(out)


def shape_mutants() -> list[Mutant]:
    mutants = []
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        rel = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        subject = ""
        for i, line in enumerate(lines):
            if line and not line[0].isspace() and not line.startswith("@"):
                subject = line.split()[0]
            stripped = line.strip()
            match = re.match(r"sh:(\w+) ", stripped)
            if match and match[1] in SHAPE_PARAMETERS and stripped.endswith(";"):
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: sh:{match[1]} deleted",
                                      replace_line(lines, i, None)))
            if stripped.startswith("sh:severity sh:Violation"):
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: Violation -> Warning",
                                      replace_line(lines, i, line.replace("Violation", "Warning"))))
            if stripped.startswith("sh:severity sh:Warning"):
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: Warning -> Info",
                                      replace_line(lines, i, line.replace("Warning", "Info"))))
            if stripped.startswith('sh:pattern "^'):
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: pattern without ^",
                                      replace_line(lines, i, line.replace('"^', '"', 1))))
            if stripped.startswith("sh:pattern") and '$"' in stripped:
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: pattern without $",
                                      replace_line(lines, i, line.replace('$"', '"', 1))))
            if stripped.startswith("FILTER ("):
                mutants.append(Mutant("shapes", rel, i + 1, f"{subject}: SPARQL filter never true",
                                      replace_line(lines, i, line.replace(
                                          "FILTER (", "FILTER (false && ", 1))))
    return mutants


ORDERED_KEYS = r"position|order|number|sentence|paragraph|footnote"  # numbers (ISO dates sort as text)
COMPARISONS = [(" <= ", " < "), (" >= ", " > "), (" < ", " <= "), (" > ", " >= "),
               (" != ", " = ")]


def query_mutants() -> list[Mutant]:
    mutants = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        rel = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("ORDER BY ") and len(stripped.split()) > 3:
                keys = stripped.split()[2:]
                # the first key, not the last: a last key that only breaks ties the data never
                # has is an equivalent mutant (the total-order test catches real ties)
                mutants.append(Mutant("queries", rel, i + 1, f"{path.stem}: ORDER BY without "
                                      f"{keys[0]}", replace_line(lines, i, line.replace(
                                          " " + keys[0], "", 1))))
                ordered = [k for k in keys if re.search(ORDERED_KEYS, k, re.IGNORECASE)]
                if ordered:  # numbers and dates: ordered as text, 10 comes before 9
                    mutants.append(Mutant("queries", rel, i + 1, f"{path.stem}: ORDER BY "
                                          f"{ordered[0]} as text", replace_line(lines, i, re.sub(
                                              re.escape(ordered[0]) + r"\b",
                                              f"STR({ordered[0]})", line, count=1))))
            if "FILTER" in stripped and not line.startswith("#"):
                for old, new in COMPARISONS:
                    if old in line:
                        mutants.append(Mutant("queries", rel, i + 1,
                                              f"{path.stem}:{i + 1}: '{old.strip()}' -> "
                                              f"'{new.strip()}'",
                                              replace_line(lines, i, line.replace(old, new, 1))))
                        break
                if stripped.startswith("FILTER") and stripped.count("(") == stripped.count(")"):
                    mutants.append(Mutant("queries", rel, i + 1, f"{path.stem}:{i + 1}: "
                                          "FILTER dropped", replace_line(lines, i, None)))
            if stripped.startswith("SELECT DISTINCT"):
                mutants.append(Mutant("queries", rel, i + 1, f"{path.stem}: DISTINCT dropped",
                                      replace_line(lines, i, line.replace(" DISTINCT", "", 1))))
    return mutants


def data_mutants() -> list[Mutant]:
    mutants = []
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        rel = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines):
            stripped = line.strip()
            if not line[:1].isspace() or not stripped.endswith(";") or "," in stripped:
                continue
            mutants.append(Mutant("data", rel, i + 1, f"{rel}:{i + 1}: `{stripped[:60]}` dropped",
                                  replace_line(lines, i, None)))
    return mutants


def ontology_mutants() -> list[Mutant]:
    mutants = []
    path = ROOT / "ontology" / "ecgkg.ttl"
    rel = str(path.relative_to(ROOT))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    parents = sorted({line.split()[1] for line in lines
                      if line.strip().startswith("rdfs:subClassOf ") and line.strip().endswith(";")})
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("rdfs:subClassOf ") and stripped.endswith(";"):
            current = stripped.split()[1]
            other = next(p for p in parents if p != current)
            mutants.append(Mutant("ontology", rel, i + 1, f"line {i + 1}: subclass of {other} "
                                  f"instead of {current}", replace_line(lines, i, line.replace(
                                      current, other, 1))))
    return mutants


def code_mutants() -> list[Mutant]:
    mutants = []
    missing = []
    for rel, old, new, description in CODE_MUTANTS:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        found = text.count(old)
        if found != 1:
            missing.append(f"{rel}: {description}: text found {found} times, not once")
            continue
        line = text[:text.index(old)].count("\n") + 1
        mutants.append(Mutant("code", rel, line, description, text.replace(old, new, 1)))
    if missing:
        # A moved or rewritten line must not silently shrink the set: fix the mutant instead.
        sys.exit("code mutants whose text is not in the code (update CODE_MUTANTS):\n  "
                 + "\n  ".join(missing))
    return mutants


GENERATORS = {"shapes": shape_mutants, "queries": query_mutants, "data": data_mutants,
              "ontology": ontology_mutants, "code": code_mutants}


def copy_checkout(target: Path) -> Path:
    ignore = shutil.ignore_patterns(".git", ".venv", "__pycache__", ".pytest_cache", "*.egg-info")
    shutil.copytree(ROOT, target, ignore=ignore)
    # the tests find the reference data beside the checkout (../shared)
    (target.parent / "shared").symlink_to(ROOT.parent / "shared")
    return target


def run_tests(copy: Path, args: list[str], timeout: int) -> bool:
    """Whether the tests pass on the copy (the mutant survives); "|" in ARGS separates pytest
    runs, each run only while the ones before it pass."""
    if "|" in args:
        cut = args.index("|")
        return run_tests(copy, args[:cut], timeout) and run_tests(copy, args[cut + 1:], timeout)
    env = {**os.environ, "PYTHONPATH": str(copy), "ECGKG_HOME": str(copy)}
    env.setdefault("ECGKG_ESCO_DIR", str(ROOT.parent / "shared" / "data" / "esco" / "v1.1.1"))
    try:
        done = subprocess.run(PYTEST + args, cwd=copy, env=env, capture_output=True, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False  # a hang counts as caught: the run did not pass
    if done.returncode in (4, 5):  # pytest's usage error, no test collected: no verdict
        sys.exit(f"pytest {' '.join(args)}: exit {done.returncode}, no tests ran:\n"
                 f"{done.stdout.decode(errors='replace')[-2000:]}")
    return done.returncode == 0


def check(mutant: Mutant, copy: Path, timeout: int, only: list[str] | None = None) -> bool:
    """True when the mutant is killed (by ONLY, these tests, when given)."""
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    target.write_text(mutant.text, encoding="utf-8")
    try:
        if only:
            return not run_tests(copy, only, timeout)
        if mutant.kind == "shapes":
            folder = Path(mutant.path).stem
            quick = ["tests/test_shapes.py", "-k", f"gives_exactly and {folder}"]
            if not run_tests(copy, quick, timeout):
                return True
        tests = CODE_TESTS.get(mutant.path, TESTS["code"]) if mutant.kind == "code" \
            else TESTS[mutant.kind]
        return not run_tests(copy, tests, timeout)
    finally:
        target.write_text(original, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", default=",".join(GENERATORS),
                        help=f"comma-separated subset of {','.join(GENERATORS)}")
    parser.add_argument("--sample", type=int, default=0,
                        help="at most this many mutants of each kind, drawn at random")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per test run")
    parser.add_argument("-o", "--output", type=Path, help="also write the summary (Markdown)")
    parser.add_argument("--match", help="only mutants whose description matches this regex")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--tests", help="run only these pytest arguments (space-separated), "
                        "to check that a new test kills its mutants")
    args = parser.parse_args()

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = set(kinds) - set(GENERATORS)
    if unknown:
        parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
    rng = random.Random(args.seed)
    plan: list[Mutant] = []
    for kind in kinds:
        mutants = GENERATORS[kind]()
        if args.match:
            mutants = [m for m in mutants if re.search(args.match, m.description)]
        if args.sample and len(mutants) > args.sample:
            mutants = sorted(rng.sample(mutants, args.sample), key=lambda m: (m.path, m.line))
        plan.extend(mutants)
    if args.list:
        for m in plan:
            print(f"{m.kind}\t{m.path}:{m.line}\t{m.description}")
        return

    results: dict[str, list[tuple[Mutant, bool]]] = {k: [] for k in kinds}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="ecgkg-mutate-") as folder:
        copy = copy_checkout(Path(folder) / "checkout")
        for number, mutant in enumerate(plan, 1):
            killed = check(mutant, copy, args.timeout, args.tests.split() if args.tests else None)
            results[mutant.kind].append((mutant, killed))
            print(f"[{number}/{len(plan)}] {'killed  ' if killed else 'SURVIVED'} {mutant.kind}: "
                  f"{mutant.path}:{mutant.line}: {mutant.description}", flush=True)

    lines = ["| kind | mutants | killed | score |", "|---|---|---|---|"]
    survivors = []
    total = killed_total = 0
    for kind, outcomes in results.items():
        killed = sum(k for _, k in outcomes)
        total += len(outcomes)
        killed_total += killed
        score = f"{100 * killed / len(outcomes):.0f} %" if outcomes else "-"
        lines.append(f"| {kind} | {len(outcomes)} | {killed} | {score} |")
        survivors += [m for m, k in outcomes if not k]
    lines.append(f"| all | {total} | {killed_total} | "
                 f"{100 * killed_total / total:.0f} % |" if total else "| all | 0 | 0 | - |")
    lines += ["", f"Survivors ({len(survivors)}):"]
    lines += [f"- {m.kind}: `{m.path}:{m.line}`: {m.description}" for m in survivors]
    lines.append(f"\n({time.monotonic() - started:.0f} s, seed {args.seed}, "
                 f"sample {args.sample or 'all'})")
    summary = "\n".join(lines) + "\n"
    print("\n" + summary)
    if args.output:
        args.output.write_text(summary, encoding="utf-8")


if __name__ == "__main__":
    main()
