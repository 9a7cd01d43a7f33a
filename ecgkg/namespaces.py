"""The one table of namespaces and IRI bases used across ecgkg."""

from __future__ import annotations

BASE = "https://w3id.org/ecgkg/"
ECG = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
SHAPES = BASE + "shapes#"

# Prefix -> namespace. Canonical Turtle files and query headers use exactly these prefixes.
PREFIXES: dict[str, str] = {
    "ecg": ECG,
    "ecgid": ID,
    "ecgsh": SHAPES,
    "cv": "http://data.europa.eu/m8g/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "esco": "http://data.europa.eu/esco/model#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "place": "http://publications.europa.eu/resource/authority/place/",
    "corporatebody": "http://publications.europa.eu/resource/authority/corporate-body/",
    "escooccupation": "http://data.europa.eu/esco/occupation/",
    "escoskill": "http://data.europa.eu/esco/skill/",
    "escoisco": "http://data.europa.eu/esco/isco/",
    "escoscheme": "http://data.europa.eu/esco/concept-scheme/",
}

# Vocabularies that data may use without the ontology declaring their terms: reused, not ours.
REUSED_VOCABULARIES = tuple(
    PREFIXES[p]
    for p in (
        "cv", "dcat", "dcterms", "eli", "esco", "foaf", "oa", "org", "owl", "prov", "rdf",
        "rdfs", "sh", "skos", "skosxl", "time", "vann", "xsd",
    )
)


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, for queries written with the project's prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
