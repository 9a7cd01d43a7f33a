"""`ecgkg docs`: the documentation site, static HTML generated from the product.

Pages: the index with the two pictures, the ontology (a section per class and property), the
shapes (what each class requires), the query catalogue (a page per query with its answer), a
page per meeting, body and initiative, and the source passages. No JavaScript and only relative
links, so the folder reads the same from the file system and from any web server.

The site is written into a temporary folder beside the target and renamed into place, so the
target is whole or absent; a folder that holds something else than a previous site (it has no
MARKER file) is not replaced unless forced.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ecgkg.docs import catalogue
from ecgkg.docs.data import KINDS, Data
from ecgkg.docs.html import Anchors, page, text
from ecgkg.docs.model import ONTOLOGY_PAGE, SHAPES_PAGE, Model, read_graph
from ecgkg.errors import EcgkgError
from ecgkg.library import library
from ecgkg.results import compact_iri
from ecgkg.sources import display_path, ontology_dir, project_root, shapes_dir

MARKER = ".ecgkg-site"
# Where `ecgkg serve` listens by default: the query pages' links open its UI.
DEFAULT_SERVER = "http://127.0.0.1:7878/"
# What the dataset says of itself (data/dataset.ttl), at the top of the index.
DATASET = """SELECT ?title ?description ?rights WHERE { ?dataset a dcat:Dataset
  OPTIONAL { ?dataset dcterms:title ?title } OPTIONAL { ?dataset dcterms:description ?description }
  OPTIONAL { ?dataset dcterms:rights ?rights } }"""
VERSIONS = """SELECT ?thing ?version WHERE { { ?thing a owl:Ontology } UNION { ?thing a dcat:Dataset }
  ?thing owl:versionInfo ?version } ORDER BY ?thing"""
REVIEW = """SELECT ?status (COUNT(DISTINCT ?resource) AS ?resources)
  WHERE { ?resource ecg:reviewStatus ?status } GROUP BY ?status ORDER BY ?status"""
PICTURES = (("timeline", "timeline.svg", "Meetings over time, items stacked by presenting body"),
            ("network", "network.svg", "Bodies, initiatives, legal acts and ESCO concepts"))


def check_output(output: Path, force: bool, server: str) -> None:
    if output.is_symlink():
        raise EcgkgError(f"{display_path(output)}: is a symbolic link; give the folder itself")
    if output.exists() and not output.is_dir():
        raise EcgkgError(f"{display_path(output)}: not a folder; give a folder for the site")
    if Path.cwd().resolve().is_relative_to(output.resolve()):
        raise EcgkgError(f"{display_path(output)}: holds the working folder; give a folder of "
                         "its own for the site")
    if not server.startswith(("http://", "https://")):
        raise EcgkgError(f"--server {server}: not an http:// or https:// URL")
    if not output.parent.is_dir():
        raise EcgkgError(f"{display_path(output.parent)}: no such folder")
    if (output.is_dir() and any(output.iterdir()) and not (output / MARKER).is_file()
            and not force):
        raise EcgkgError(f"{display_path(output)}: not empty and not a site made by ecgkg docs; "
                         "give another folder, or --force to replace it")


def pictures(kg, folder: Path) -> list[str]:
    """The pictures as HTML: each drawn into the site, or a note saying why it is not."""
    from ecgkg.docs import plots

    shown = []
    for draw, name, alt in PICTURES:
        try:
            getattr(plots, draw)(kg, folder / name)
        except EcgkgError as error:  # no meetings, or the plot extra missing: say so
            shown.append(f'<p class="note">No {draw} picture: {text(error)}</p>')
            continue
        shown.append(f'<figure><img src="{name}" alt="{text(alt)}">'
                     f"<figcaption>{text(alt)} (<code>ecgkg plot {draw}</code>)</figcaption>"
                     f"</figure>")
    return shown


def index_page(model: Model, data: Data, queries, kg, folder: Path) -> str:
    counts = {kind: len(iris) for kind, iris in data.resources.items()}
    links = [
        (ONTOLOGY_PAGE, f"the ontology: {sum(k == 'class' for k in model.terms.values())} "
                        f"classes and {sum(k != 'class' for k in model.terms.values())} "
                        "properties, their definitions, alignment and shapes"),
        (SHAPES_PAGE, f"the shapes: what {len(model.node_shapes)} SHACL node shapes require"),
        (catalogue.CATALOGUE_PAGE, f"the query catalogue: {len(queries)} queries with their "
                                   "answers"),
        *[(KINDS[kind][1], f"{KINDS[kind][2].lower()}: {counts[kind]}") for kind in KINDS],
        ("sources.html", f"the source passages: {len(data.passages)}"),
    ]
    items = "".join(f'<li><a href="{file}">{text(what)}</a></li>' for file, what in links)
    about = "".join(f"<p>{text(value)}</p>" for row in kg.query(DATASET).rows
                    for value in row if value)
    return (f"{about}<p>This site is generated from the ontology, SHACL shapes, named queries "
            f"and data of ecgkg ({len(kg):,} triples).</p><ul>{items}</ul>"
            + status(kg) + "".join(pictures(kg, folder)))


def status(kg) -> str:
    """Versions (owl:versionInfo, the releases of CHANGELOG.md) and the review status counts."""
    from ecgkg.publish.release import released_versions

    lines = [f"{text(compact_iri(str(thing)))}: version {text(version)}"
             for thing, version in kg.query(VERSIONS).rows]
    releases = released_versions(project_root())
    lines.append("releases in CHANGELOG.md: " + (text(", ".join(releases)) if releases
                                                else "none yet (<code>ecgkg release</code>)"))
    review = [f"{text(compact_iri(str(s)))}: {n}" for s, n in kg.query(REVIEW).rows]
    lines.append("review status: " + (", ".join(review) if review else
                                      "no resource carries one (<code>ecgkg draft</code>)"))
    return "<h2>Versions and review</h2><ul>" + "".join(f"<li>{line}</li>" for line in lines) \
        + "</ul>"


def write_site(folder: Path, kg, server: str) -> int:
    """Every page into `folder`; returns the number of pages."""
    model = Model(read_graph(ontology_dir()), read_graph(shapes_dir()))
    queries = library()
    data = Data.read(kg)
    anchors = Anchors()
    model.allocate(anchors)
    catalogue.allocate(queries, anchors)
    data.allocate(anchors)
    pages = {
        "index.html": ("ecgkg: the EURES Coordination Group knowledge graph",
                       index_page(model, data, queries, kg, folder)),
        ONTOLOGY_PAGE: ("Ontology", model.ontology_page(anchors)),
        SHAPES_PAGE: ("Shapes", model.shapes_page(anchors)),
        catalogue.CATALOGUE_PAGE: ("Query catalogue", catalogue.catalogue_page(queries, anchors)),
        "sources.html": ("Source passages", data.sources_page(anchors)),
    }
    for query in queries:
        pages[anchors.href(f"query:{query.name}")] = (
            query.title or query.name,
            catalogue.query_page(kg, query, anchors, data.labels, server))
    for kind, (_, listing, heading, _) in KINDS.items():
        pages[listing] = (heading, data.list_page(kind, anchors))
        for iri in data.resources[kind]:
            file = anchors.href(iri)
            if file not in pages:
                pages[file] = (data.label(iri), data.resource_page(iri, anchors))
    for file, (title, body) in pages.items():
        (folder / file).write_text(page(title, body), encoding="utf-8")
    (folder / MARKER).write_text("A documentation site made by `ecgkg docs`: it may replace "
                                 "this folder.\n", encoding="utf-8")
    return len(pages)


def build_site(output: Path, paths: list[Path] | None = None, force: bool = False,
               server: str = DEFAULT_SERVER) -> int:
    """Write the site for the ontology and data (or `paths`) into `output`, whole or not at
    all; returns the number of pages. `server` is the `ecgkg serve` the query links open."""
    import ecgkg

    output = Path(output)
    check_output(output, force, server)
    kg = ecgkg.open(paths)
    scratch = Path(tempfile.mkdtemp(prefix=f".{output.name}.ecgkg-", dir=output.parent))
    old = None
    try:
        count = write_site(scratch, kg, server)
        os.chmod(scratch, 0o755)  # mkdtemp's 0700 would hide the site from a web server
        if output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
            output.rename(old / "site")
        scratch.rename(output)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        if old is not None and not output.exists():
            (old / "site").rename(output)  # put the previous site back
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return count
