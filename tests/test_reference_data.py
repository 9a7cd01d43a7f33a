"""Reference data in data/ comes from the official files: authority tables and ESCO."""

from __future__ import annotations

import csv
import gzip
import sys

from ecgkg.authority import default_nal_dir, generated_files
from ecgkg.canonical import parse_turtle
from ecgkg.sources import data_dir, rdf_files


def test_authority_files_are_what_the_generator_makes():
    nal = default_nal_dir()
    assert (nal / "country-eu-eea-ch.csv").is_file(), f"authority tables missing at {nal}"
    generated = generated_files(nal)
    assert len(generated) == 3
    for relative, text in generated.items():
        assert (data_dir() / relative).read_text(encoding="utf-8") == text, (
            f"data/{relative} differs from the authority tables: run `python -m ecgkg.authority`"
        )


ESCO_CONCEPT_BASES = tuple(
    f"http://data.europa.eu/esco/{kind}/" for kind in ("occupation", "skill", "isco", "concept-scheme")
)


def official_esco_iris(esco_dir) -> set[str]:
    csv.field_size_limit(sys.maxsize)
    iris: set[str] = set()
    for path in sorted((esco_dir / "en").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                iri = row.get("conceptUri") or row.get("conceptSchemeUri")
                if iri:
                    iris.add(iri)
    return iris


def test_every_esco_iri_in_data_exists_in_the_official_release(esco_dir):
    used = set()
    for path in rdf_files([data_dir()]):
        for triple in parse_turtle(path):
            used |= {str(t) for t in triple if str(t).startswith(ESCO_CONCEPT_BASES)}
    assert len(used) >= 4
    official = official_esco_iris(esco_dir)
    assert len(official) > 18000
    assert sorted(used - official) == []


def test_esco_subset_is_what_the_generator_makes(esco_dir, tmp_path):
    """data/esco/ holds exactly what `ecgkg esco subset` writes from the official release for
    the links in data/: a statement dropped from it or added by hand fails here."""
    import shutil

    from ecgkg.esco.subset import write_subset

    copy = tmp_path / "data"
    shutil.copytree(data_dir(), copy)
    result = write_subset(esco_dir, copy)
    assert result.missing == []
    assert not result.changed, (
        "data/esco/ differs from what the release gives: run `ecgkg esco subset`")
