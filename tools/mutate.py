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
    "queries": ["tests/test_queries.py", "tests/test_formats_golden.py", "tests/test_meta.py",
                "tests/test_query_languages.py", "tests/test_stated_twice.py"],
    "data": ["tests/test_shapes.py", "-k", "golden or bundled", "tests/test_queries.py",
             "tests/test_reference_data.py",
             "tests/test_summary_statements.py", "tests/test_data_files.py"],
    "ontology": ["tests/test_ontology.py", "tests/test_shapes.py", "-k",
                 "golden or bundled or roles or minted", "tests/test_queries.py"],
    "code": ["tests/test_cli.py", "tests/test_formats_golden.py", "tests/test_queries.py",
             "tests/test_stated_twice.py", "tests/test_meta.py", "tests/test_validate.py"],
}

# Parameters whose line a shapes mutant deletes (canonical Turtle: one parameter per line).
SHAPE_PARAMETERS = ("class", "datatype", "nodeKind", "minCount", "maxCount", "minInclusive",
                    "pattern", "languageIn", "uniqueLang", "hasValue", "in", "closed",
                    "qualifiedValueShape", "qualifiedMinCount")

# Hand-made code mutants: (file, text, replacement, what a careless edit would do).
CODE_MUTANTS = [
    ("ecgkg/results.py", '"|" + "---|" * len(variables)', '"|" + "---|" * (len(variables) - 1)',
     "Markdown separator row one cell short"),
    ("ecgkg/results.py", "c.ljust(w) for c, w in zip(cells, widths)",
     "c.ljust(w - 1) for c, w in zip(cells, widths)", "table columns one character short"),
    ("ecgkg/results.py", 'elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":',
     "elif False:", "JSON results lose literal datatypes"),
    ("ecgkg/results.py", 'delimiter="," if fmt == "csv" else "\\t"', 'delimiter=","',
     "TSV written with commas"),
    ("ecgkg/export.py", "triples = {ox.Triple(q.subject, q.predicate, q.object) for q in built.store}",
     "triples = [ox.Triple(q.subject, q.predicate, q.object) for q in built.store]",
     "export no longer de-duplicates triples"),
    ("ecgkg/build.py", "COUNT(DISTINCT ?s)", "COUNT(?s)", "class counts count a typing per file"),
    ("ecgkg/build.py", "ORDER BY DESC(?instances) ?class", "ORDER BY DESC(?instances)",
     "class counts in no stable order"),
    ("ecgkg/validate.py", "result.severity_rank <= threshold", "result.severity_rank < threshold",
     "--fail-on ignores results of exactly its level"),
    ("ecgkg/reports.py", '"Info": "note"', '"Info": "warning"', "SARIF infos reported as warnings"),
    ("ecgkg/query.py", "return sorted(tuple(term_text(t) for t in row) for row in self.rows)",
     "return [tuple(term_text(t) for t in row) for row in self.rows]",
     "sorted_rows no longer sorts"),
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
    for rel, old, new, description in CODE_MUTANTS:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        if old not in text:
            print(f"skipped (text not found, the code changed): {rel}: {description}",
                  file=sys.stderr)
            continue
        line = text[:text.index(old)].count("\n") + 1
        mutants.append(Mutant("code", str(path.relative_to(ROOT)), line, description,
                              text.replace(old, new, 1)))
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
    """Whether the tests pass on the copy (the mutant survives)."""
    env = {**os.environ, "PYTHONPATH": str(copy), "ECGKG_HOME": str(copy)}
    env.setdefault("ECGKG_ESCO_DIR", str(ROOT.parent / "shared" / "data" / "esco" / "v1.1.1"))
    try:
        done = subprocess.run(PYTEST + args, cwd=copy, env=env, capture_output=True, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return False  # a hang counts as caught: the run did not pass
    return done.returncode == 0


def check(mutant: Mutant, copy: Path, timeout: int) -> bool:
    """True when the mutant is killed."""
    target = copy / mutant.path
    original = target.read_text(encoding="utf-8")
    target.write_text(mutant.text, encoding="utf-8")
    try:
        if mutant.kind == "shapes":
            folder = Path(mutant.path).stem
            quick = ["tests/test_shapes.py", "-k", f"gives_exactly and {folder}"]
            if not run_tests(copy, quick, timeout):
                return True
        return not run_tests(copy, TESTS[mutant.kind], timeout)
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
            killed = check(mutant, copy, args.timeout)
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
