"""Draft Turtle in the project's model from a meeting summary, by rules and gazetteers from the graph.

The drafter never invents a fact: everything it writes is read off a sentence of the summary (or,
for the ECO's chair and organiser roles, Article 14 of Regulation (EU) 2016/589), carries
`prov:wasDerivedFrom` that passage and `ecg:reviewStatus "unreviewed"`, and whatever it could not
settle (a date it cannot read, an NCO code no country has, a place missing from the authority
table) is written with a `skos:editorialNote` saying what to check instead of being guessed.
Gazetteers come from data/ (bodies, their labels and acronyms; legal acts), the Publications
Office tables (countries, places) and the local ESCO release (labels); no network, no model.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef

from ecgkg.canonical import canonical_turtle, parse_turtle, write_atomically
from ecgkg.errors import EcgkgError
from ecgkg.namespaces import ECG, ID, PREFIXES
from ecgkg.sources import data_dir as project_data_dir
from ecgkg.sources import display_path

E = Namespace(ECG)
SKOS = Namespace(PREFIXES["skos"])
PROV = Namespace(PREFIXES["prov"])
ORG = Namespace(PREFIXES["org"])
CV = Namespace(PREFIXES["cv"])
OA = Namespace(PREFIXES["oa"])
DCT = Namespace(PREFIXES["dcterms"])
ELI = Namespace(PREFIXES["eli"])
COUNTRY = PREFIXES["country"]
PLACE_SCHEME = URIRef("http://publications.europa.eu/resource/authority/place")
ESCO_SCHEME = "http://data.europa.eu/esco/concept-scheme/"

UNREVIEWED = Literal("unreviewed")
DRAFT_AGENT = URIRef(ID + "agent/ecgkg-draft")
ARTICLE_14 = URIRef(ID + "act/32016R0589/art-14")
ROLE = {name: URIRef(f"{ID}role/{name}") for name in
        ("chair", "co-host", "invited", "member", "organiser")}
ECO, ECG_BODY = URIRef(ID + "org/ECO"), URIRef(ID + "org/ECG")
MAX_BYTES = 2 * 1024 * 1024

MONTHS = {m.lower(): i for i, m in enumerate(
    ("January February March April May June July August September October November "
     "December").split(), start=1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
_DASH = r"\s*(?:-|–|—|to|and|until)\s*"
DATE_PATTERNS = (
    # 30 November - 1 December 2023
    ("cross", re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}{_DASH}(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.I)),
    # 22-24 November 2023, 12 and 13 June 2024
    ("range", re.compile(rf"\b(\d{{1,2}}){_DASH}(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.I)),
    # 2024-06-12 to 2024-06-13
    ("iso", re.compile(rf"\b(\d{{4}})-(\d{{2}})-(\d{{2}})(?:{_DASH}(\d{{4}})-(\d{{2}})-(\d{{2}}))?\b")),
    # 22 November 2023
    ("single", re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.I)),
)
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "No.", "Art.", "cf.", "vs.", "Mr.", "Ms.", "Dr.", "p.")
_SENTENCE_END = re.compile(r"[.!?]['\"’”)]*\s+(?=[A-Z0-9'\"‘“(])")
_FOOTNOTE_MARK = re.compile(r"<sup>(\d+)</sup>|\[\^(\d+)\]")
_FOOTNOTE_LINE = re.compile(r"^(?:<sup>(\d+)</sup>|\[\^(\d+)\]:)\s*(.+)$", re.S)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")
_NCO_CODE = re.compile(r"\b(?:NCO\s+([A-Z]{2})|([A-Z]{2})\s+NCO)\b")

PRESENT_VERB = re.compile(
    r"^(?P<subj>.+?)\s+(?:also\s+|then\s+|jointly\s+)?(?:presented|gave\s+(?:a\s+)?presentations?\s+(?:on|of)"
    r"|reported\s+on|gave\s+an?\s+update\s+on|introduced)\s*,?\s*(?:inter alia,?\s*|among other things,?\s*)?"
    r"(?::\s*)?(?P<obj>.*)$", re.S)
PASSIVE_VERB = re.compile(r"^(?P<obj>.+?)\s+(?:was|were)\s+presented\s+by\s+(?P<subj>.+?)[.]?$", re.S)
INITIATIVE_KINDS = (  # a head word in an item's label -> the initiative class
    ("strategy", "Strategy"), ("project", "Project"), ("plan", "Plan"), ("programme", "Programme"),
    ("program", "Programme"), ("scheme", "TrainingScheme"), ("training", "TrainingScheme"),
    ("network", "Network"), ("instrument", "Instrument"), ("initiative", "Initiative"),
    ("campaign", "Initiative"), ("pilot", "Project"),
)
LIST_HEADS = {"updates", "update", "the", "a", "an", "on", "information", "presentation",
              "presentations", "its", "their", "news"}
INCLUDE_LIST = re.compile(r"\b(?:These included|including|such as)\s+(?:the\s+)?(?P<list>.+?)[.]?$",
                          re.S)


# ---------------------------------------------------------------- reading the summary

@dataclass
class Passage:
    iri: URIRef
    text: str
    paragraph: int | None = None
    sentence: int | None = None
    footnote: int | None = None
    footnote_refs: list[int] = field(default_factory=list)


@dataclass
class Document:
    iri: URIRef
    slug: str
    paragraphs: list[Passage]
    sentences: list[Passage]
    footnotes: dict[int, Passage]


def read_summary(path: Path) -> str:
    """The summary's text; a one-line error for a missing, empty, binary or huge file."""
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise EcgkgError(f"{display_path(path)}: is a folder, not a summary file") from None
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise EcgkgError(f"{display_path(path)}: {len(data)} bytes: a summary is at most "
                         f"{MAX_BYTES} bytes")
    if b"\x00" in data:
        raise EcgkgError(f"{display_path(path)}: binary file (NUL bytes): give the summary as "
                         "Markdown or plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EcgkgError(f"{display_path(path)}: not UTF-8 text (byte {error.start}): give the "
                         "summary as Markdown or plain text") from None
    if not text.strip():
        raise EcgkgError(f"{display_path(path)}: empty file: nothing to draft")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return "-".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


def split_sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start() + 1]
        if any(before.endswith(" " + a) or before == a for a in ABBREVIATIONS):
            continue
        end = match.end() - len(match.group()) + len(match.group().rstrip())
        sentences.append(text[start:end].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _is_prose(block: str) -> bool:
    """A paragraph of the summary, not a heading, link, rule, date line or footer."""
    if block.startswith(("#", "---", "***", "**", "[", "!", "|", ">")):
        return False
    if not re.search(r"[.!?:]['\"’”)]*$", block.rstrip()):
        return False
    return len(block.split()) >= 4


def parse_document(text: str, slug: str) -> Document:
    doc = URIRef(f"{ID}doc/{slug}")
    paragraphs: list[Passage] = []
    sentences: list[Passage] = []
    footnotes: dict[int, Passage] = {}
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    for block in blocks:
        footnote = _FOOTNOTE_LINE.match(block)
        if footnote:
            number = int(footnote.group(1) or footnote.group(2))
            body = " ".join(footnote.group(3).split())
            footnotes[number] = Passage(URIRef(f"{doc}/fn{number}"), body, footnote=number)
            continue
        lines = [line.strip() for line in block.split("\n")]
        items = [_LIST_ITEM.match(line) for line in lines]
        if any(items):
            # A lead line and a bulleted list: each line is a sentence of its own.
            parts = [m.group(1).strip() if m else line for line, m in zip(lines, items)]
            parts = [p for p in parts if p]
            joined = " ".join(parts)
            if not any(re.search(r"[.:;]$", p) for p in parts) or len(joined.split()) < 6:
                continue
            raw_sentences = parts
            paragraph_text = "\n".join(parts)
        else:
            joined = " ".join(lines)
            if not _is_prose(joined):
                continue
            paragraph_text = joined
            raw_sentences = split_sentences(joined)
        number = len(paragraphs) + 1
        clean_paragraph = _FOOTNOTE_MARK.sub("", paragraph_text)
        paragraphs.append(Passage(URIRef(f"{doc}/p{number}"), clean_paragraph, paragraph=number))
        for s_number, raw in enumerate(raw_sentences, start=1):
            refs = [int(a or b) for a, b in _FOOTNOTE_MARK.findall(raw)]
            sentences.append(Passage(URIRef(f"{doc}/p{number}-s{s_number}"),
                                     _FOOTNOTE_MARK.sub("", raw), number, s_number,
                                     footnote_refs=refs))
    if not sentences:
        raise EcgkgError("no paragraph of prose found: a summary is paragraphs of sentences "
                         "(headings, links and short lines are skipped)")
    return Document(doc, slug, paragraphs, sentences, footnotes)


# ---------------------------------------------------------------- gazetteers

def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).lower().strip()


@dataclass
class Gazetteer:
    bodies: list[tuple[str, URIRef]]            # (surface form, body), longest first
    body_types: dict[URIRef, set[URIRef]]
    body_labels: dict[URIRef, str]
    unit_of: dict[URIRef, URIRef]
    nco_by_code: dict[str, URIRef]               # two-letter code -> NCO
    countries: dict[str, dict[str, str]]         # folded label -> country row
    country_by_code: dict[str, dict[str, str]]   # alpha-3 -> row
    places: dict[str, list[dict[str, str]]]      # folded label -> place rows
    acts: dict[str, URIRef]                      # CELEX number -> IRI used in data/
    body_country: dict[URIRef, URIRef]
    known: set[URIRef]                           # IRIs data/ already types
    initiative_labels: dict[str, URIRef]         # folded label -> initiative in data/

    @classmethod
    def build(cls, data: Path, nal_dir: Path) -> Gazetteer:
        graph = Graph()
        for folder in ("bodies", "legal"):
            for path in sorted((data / folder).glob("*.ttl")):
                graph += parse_turtle(path)
        forms: dict[str, URIRef] = {}
        types: dict[URIRef, set[URIRef]] = {}
        labels: dict[URIRef, str] = {}
        for body in set(graph.subjects(RDF.type, ORG.Organization)):
            types[body] = set(graph.objects(body, RDF.type))
            for label in graph.objects(body, SKOS.prefLabel):
                labels.setdefault(body, str(label))
            names = [str(v) for p in (SKOS.prefLabel, SKOS.altLabel, E.acronym)
                     for v in graph.objects(body, p)]
            for name in names:
                forms.setdefault(name, body)
                # "the Commission" for "European Commission", and so on.
                if name.startswith("European ") and len(name.split()) == 2:
                    forms.setdefault(name[len("European "):], body)
        for body, label in ((b, labels.get(b, "")) for b in list(forms.values())):
            if not label:
                labels[body] = str(body).rsplit("/", 1)[-1]
        unit_of = {s: o for s, o in graph.subject_objects(ORG.unitOf)}
        nco_by_code = {}
        for nco in graph.subjects(RDF.type, E.NationalCoordinationOffice):
            for acronym in graph.objects(nco, E.acronym):
                match = re.fullmatch(r"NCO ([A-Z]{2})", str(acronym))
                if match:
                    nco_by_code[match.group(1)] = nco
        acts = {str(c): s for s, c in graph.subject_objects(ELI.id_local)}
        countries, by_code = {}, {}
        with open(nal_dir / "country-all-en.csv", encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                if row.get("deprecated") == "true":
                    continue
                by_code[row["code"]] = row
                for name in (row["label_en"], row.get("alt_en", "")):
                    if name:
                        countries.setdefault(_fold(name), row)
        places: dict[str, list[dict[str, str]]] = {}
        with open(nal_dir / "place-all-en.csv", encoding="utf-8", newline="") as stream:
            for row in csv.DictReader(stream):
                if row.get("deprecated") != "true":
                    places.setdefault(_fold(row["label_en"]), []).append(row)
        ordered = sorted(forms.items(), key=lambda kv: -len(kv[0]))
        body_country = {s: o for s, o in graph.subject_objects(E.country)}
        # Everything data/ already describes is referred to, never described again (a draft
        # that typed it would stand for the file that does, and hide that file's facts).
        known: set[URIRef] = set()
        initiative_labels: dict[str, URIRef] = {}
        for path in sorted(data.rglob("*.ttl")):
            other = parse_turtle(path)
            known.update(s for s in other.subjects(RDF.type, None) if isinstance(s, URIRef))
            for s, label in other.subject_objects(SKOS.prefLabel):
                if str(s).startswith(ID + "initiative/"):
                    initiative_labels[_fold(str(label))] = s
            for s, label in other.subject_objects(SKOS.altLabel):
                if str(s).startswith(ID + "initiative/"):
                    initiative_labels.setdefault(_fold(str(label)), s)
        return cls(ordered, types, labels, unit_of, nco_by_code, countries, by_code, places, acts,
                   body_country, known, initiative_labels)

    def find_bodies(self, text: str) -> list[tuple[int, int, URIRef]]:
        """Non-overlapping mentions of known bodies, in text order."""
        taken: list[tuple[int, int, URIRef]] = []
        for form, body in self.bodies:
            flags = 0 if (form.isupper() or len(form) <= 5) else re.I
            for match in re.finditer(rf"(?<![\w/-]){re.escape(form)}(?![\w/-])", text, flags):
                if any(s < match.end() and match.start() < e for s, e, _ in taken):
                    continue
                taken.append((match.start(), match.end(), body))
        taken.sort()
        return taken


# ---------------------------------------------------------------- the drafter

@dataclass
class Draft:
    graph: Graph
    notes: list[str]
    meeting: URIRef


class _Writer:
    def __init__(self, gazetteer: Gazetteer, document: Document) -> None:
        self.g = Graph()
        self.gz = gazetteer
        self.doc = document
        self.notes: list[str] = []
        self.activity = URIRef(f"{ID}activity/draft/{document.slug}")

    def resource(self, iri: URIRef, rdf_type: URIRef, *sources: URIRef) -> URIRef:
        self.g.add((iri, RDF.type, rdf_type))
        self.g.add((iri, E.reviewStatus, UNREVIEWED))
        self.g.add((iri, PROV.wasGeneratedBy, self.activity))
        for source in sources:
            self.g.add((iri, PROV.wasDerivedFrom, source))
        return iri

    def note(self, iri: URIRef, text: str) -> None:
        self.g.add((iri, SKOS.editorialNote, Literal(text, lang="en")))
        self.notes.append(f"{iri}: {text}")


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")[:3]]
        return dt.date(int(year), number, int(day))
    except (ValueError, KeyError):
        return None


def find_dates(text: str) -> tuple[str, dt.date | None, dt.date | None] | None:
    """The first date or date range in a text: (as written, start, end); start or end is None
    when the text names a day that does not exist."""
    for kind, pattern in DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        g = match.groups()
        if kind == "cross":
            return match.group(), _date(g[4], g[1], g[0]), _date(g[4], g[3], g[2])
        if kind == "range":
            return match.group(), _date(g[3], g[2], g[0]), _date(g[3], g[2], g[1])
        if kind == "iso":
            start = _date(g[0], g[1], g[2])
            end = _date(g[3], g[4], g[5]) if g[3] else start
            return match.group(), start, end
        return match.group(), _date(g[2], g[1], g[0]), _date(g[2], g[1], g[0])
    return None


def split_items(text: str) -> list[str]:
    """The items of an enumeration: "A, B, C and D" or "A as well as B and on C"."""
    text = re.sub(r"\s+to the (?:participants|members) of the \w+$", "", text.strip().rstrip("."))
    # Commas and "and" inside brackets do not separate items.
    protected = re.sub(r"\([^)]*\)", lambda m: m.group().replace(",", "\0").replace(" and ", " \1 "),
                       text)
    parts: list[str] = []
    for chunk in re.split(r"\s+as well as\s+|;\s*", protected):
        pieces = [p.strip() for p in re.split(r",\s*(?:and\s+)?", chunk) if p.strip()]
        if not pieces:
            continue
        last = pieces.pop()
        # Only the last comma-separated piece is split on "and", where a new item begins.
        words = last.split(" and ")
        current = words[0]
        for word in words[1:]:
            head = word.split(" ", 1)[0]
            if head.lower() in LIST_HEADS or head[:1].isupper() or head[:1].isdigit():
                pieces.append(current)
                current = word
            else:
                current += " and " + word
        pieces.append(current)
        parts.extend(pieces)
    items = []
    previous_head = ""
    for part in parts:
        part = part.replace("\0", ",").replace(" \1 ", " and ").strip()
        if part.startswith("on ") and previous_head:
            part = f"{previous_head} {part}"  # "updates on A and on B": B is "updates on B"
        first = part.split(" ", 1)[0]
        if first.lower() in ("updates", "update", "information", "news"):
            previous_head = first
        items.append(part)
    return [i for i in items if i]


def _label(item: str) -> str:
    item = re.sub(r"^(?:the|a|an)\s+", "", item.strip())
    return item[:1].upper() + item[1:]


def _initiative_name(item: str) -> str | None:
    """The initiative an item is about, when its words say it is one (strategy, project...)."""
    name = re.sub(r"^(?:updates?|information|news)\s+(?:on|about)\s+", "", item, flags=re.I)
    name = re.sub(r"^(?:the\s+)?(?:implementation|utilisation|establishment|introduction|"
                  r"launch|development)\s+of\s+", "", name, flags=re.I)
    name = re.sub(r"^(?:the|a|an)\s+(?:new\s+)?", "", name, flags=re.I)
    words = {w.lower().strip("'’()") for w in name.split()}
    if any(head in words or head + "s" in words for head, _ in INITIATIVE_KINDS):
        return name[:1].upper() + name[1:]
    return None


def _initiative_class(name: str) -> URIRef:
    words = [w.lower().strip("'’()") for w in name.split()]
    for head, cls in INITIATIVE_KINDS:
        if head in words or head + "s" in words:
            return E[cls]
    return E.Initiative


def draft(summary: Path, data: Path | None = None, nal_dir: Path | None = None,
          esco_release: Path | None = None, when: dt.datetime | None = None) -> Draft:
    """Draft the RDF of one meeting summary; nothing is written. WHEN is recorded as the end
    of the drafting activity (prov:endedAtTime); None leaves it out, for reproducible output."""
    from ecgkg.authority import default_nal_dir

    text = read_summary(summary)
    data = data if data is not None else project_data_dir()
    gazetteer = Gazetteer.build(data, nal_dir if nal_dir is not None else default_nal_dir())
    document = parse_document(text, slugify(Path(summary).stem) or "summary")
    w = _Writer(gazetteer, document)
    g = w.g
    meeting = _meeting(w)
    _passages(w, meeting)
    _participations_and_presentations(w, meeting)
    _legal_references(w)
    _esco_links(w, esco_release)
    _activity(w, when)
    return Draft(g, w.notes, meeting)


def _activity(w: _Writer, when: dt.datetime | None) -> None:
    """Who drafted and when (PROV): the activity every drafted resource was generated by."""
    from ecgkg import __version__

    g = w.g
    g.add((w.activity, RDF.type, PROV.Activity))
    g.add((w.activity, PROV.wasAssociatedWith, DRAFT_AGENT))
    g.add((w.activity, PROV.used, w.doc.iri))
    if when is not None:
        g.add((w.activity, PROV.endedAtTime, Literal(when.isoformat(timespec="seconds"),
                                                     datatype=XSD.dateTime)))
    g.add((DRAFT_AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((DRAFT_AGENT, SKOS.prefLabel, Literal(f"ecgkg draft {__version__}", lang="en")))


def _passages(w: _Writer, meeting: URIRef) -> None:
    g, doc = w.g, w.doc
    w.resource(doc.iri, E.SourceDocument)
    title = f"Summary {doc.slug}"
    g.add((doc.iri, DCT.title, Literal(title, lang="en")))
    g.add((doc.iri, DCT.language, Literal("en")))
    g.add((doc.iri, E.reportsOn, meeting))
    w.note(doc.iri, "Title drafted from the file name: give the document's own title and its "
                    "dcterms:source (where it was published).")
    for passage in doc.paragraphs + doc.sentences + list(doc.footnotes.values()):
        w.resource(passage.iri, E.SourcePassage)
        g.add((passage.iri, OA.exact, Literal(passage.text, lang="en")))
        if passage.footnote is not None:
            g.add((passage.iri, DCT.isPartOf, doc.iri))
            g.add((passage.iri, E.footnoteNumber, Literal(passage.footnote)))
            continue
        g.add((passage.iri, E.paragraphNumber, Literal(passage.paragraph)))
        if passage.sentence is None:
            g.add((passage.iri, DCT.isPartOf, doc.iri))
        else:
            g.add((passage.iri, DCT.isPartOf, URIRef(f"{doc.iri}/p{passage.paragraph}")))
            g.add((passage.iri, E.sentenceNumber, Literal(passage.sentence)))


def _meeting(w: _Writer) -> URIRef:
    g = w.g
    found = None
    for sentence in w.doc.sentences:
        dates = find_dates(sentence.text)
        if dates:
            found = (sentence, dates)
            break
    if found is None:
        meeting = URIRef(f"{ID}meeting/ECG-undated-{w.doc.slug}"[:200])
        w.resource(meeting, E.Meeting, w.doc.sentences[0].iri)
        g.add((meeting, E.meetingOf, ECG_BODY))
        g.add((meeting, SKOS.prefLabel, Literal("EURES Coordination Group meeting (date to be "
                                                "filled in)", lang="en")))
        w.note(meeting, "No date found in the summary: fill in ecg:startDate and ecg:endDate "
                        "from another source and rename the meeting ECG-YYYY-MM-DD.")
        w.meeting_sentence = w.doc.sentences[0]
        return meeting
    sentence, (written, start, end) = found
    w.meeting_sentence = sentence
    problem = None
    if start is None or end is None:
        problem = f"the summary's date {written!r} names a day that does not exist"
    elif end < start:
        problem = f"the summary's date range {written!r} ends before it starts"
    if problem:
        meeting = URIRef(f"{ID}meeting/ECG-undated-{w.doc.slug}")
        w.resource(meeting, E.Meeting, sentence.iri)
        w.note(meeting, f"Dates not drafted: {problem}; check the source and fill in "
                        "ecg:startDate and ecg:endDate, then rename the meeting ECG-YYYY-MM-DD.")
    else:
        meeting = URIRef(f"{ID}meeting/ECG-{start.isoformat()}")
        w.resource(meeting, E.Meeting, sentence.iri)
        g.add((meeting, E.startDate, Literal(start.isoformat(), datatype=XSD.date)))
        g.add((meeting, E.endDate, Literal(end.isoformat(), datatype=XSD.date)))
        day = start
        number = 1
        while day <= end and number <= 14:
            day_iri = URIRef(f"{meeting}/day/{number}")
            w.resource(day_iri, E.MeetingDay, sentence.iri)
            g.add((day_iri, E.date, Literal(day.isoformat(), datatype=XSD.date)))
            g.add((day_iri, E.dayNumber, Literal(number)))
            g.add((day_iri, SKOS.prefLabel, Literal(f"Day {number} of the ECG meeting of "
                                                    f"{written}", lang="en")))
            g.add((meeting, E.hasDay, day_iri))
            day += dt.timedelta(days=1)
            number += 1
    g.add((meeting, E.meetingOf, ECG_BODY))
    _place(w, meeting, sentence)
    place_label = next((str(o) for o in g.objects(meeting, E.place)
                        for o in g.objects(o, SKOS.prefLabel)), None)
    label = "EURES Coordination Group meeting" + (f", {place_label}" if place_label else "")
    if not problem:
        label += f", {written}"
    g.add((meeting, SKOS.prefLabel, Literal(label, lang="en")))
    return meeting


def _place(w: _Writer, meeting: URIRef, sentence: Passage) -> None:
    g, gz = w.g, w.gz
    country_rows = []
    for name in re.findall(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*", sentence.text):
        row = gz.countries.get(_fold(name))
        if row:
            country_rows.append(row)
    candidates: list[tuple[str, list[dict[str, str]]]] = []
    for match in re.finditer(r"\bin\s+([A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*)*)", sentence.text):
        name = match.group(1)
        rows = gz.places.get(_fold(name))
        if rows:
            candidates.append((name, rows))
        elif not gz.countries.get(_fold(name)):
            w.note(meeting, f"The summary says the meeting was in {name!r}, which is not a "
                            "place of the authority table: find its code and add ecg:place.")
    codes = {r["code"] for r in country_rows}
    chosen = None
    for name, rows in candidates:
        fitting = [r for r in rows if not codes or r["country_code"] in codes]
        if len(fitting) == 1:
            chosen = fitting[0]
            break
        if fitting:
            w.note(meeting, f"{name!r} is several places of the authority table ("
                            + ", ".join(r["code"] for r in fitting[:5])
                            + "): choose one and add ecg:place.")
    if chosen:
        place = URIRef(chosen["uri"])
        g.add((meeting, E.place, place))
        g.add((meeting, E.hostCountry, URIRef(COUNTRY + chosen["country_code"])))
        if place in gz.known:
            return
        w.note(meeting, f"Place {chosen['code']} is described here from the authority table: "
                        "regenerate data/authority/places.ttl (python -m ecgkg.authority) "
                        "and drop it from this file.")
        g.add((place, RDF.type, SKOS.Concept))
        g.add((place, SKOS.inScheme, PLACE_SCHEME))
        g.add((place, SKOS.notation, Literal(chosen["code"])))
        g.add((place, SKOS.prefLabel, Literal(chosen["label_en"], lang="en")))
        g.add((place, E.country, URIRef(COUNTRY + chosen["country_code"])))
        g.add((place, PROV.wasDerivedFrom, PLACE_SCHEME))
    elif len(codes) == 1:
        g.add((meeting, E.hostCountry, URIRef(country_rows[0]["uri"])))
        w.note(meeting, "The summary names the host country but no place of the authority "
                        "table: add ecg:place.")
    elif not candidates:
        w.note(meeting, "No place found in the summary: add ecg:place and ecg:hostCountry.")


def _body_mentions(w: _Writer, text: str, where: URIRef) -> list[tuple[int, int, URIRef]]:
    """Bodies named in a text, with the NCOs named by an unknown code noted, not guessed."""
    mentions = w.gz.find_bodies(text)
    for match in _NCO_CODE.finditer(text):
        code = match.group(1) or match.group(2)
        if code not in w.gz.nco_by_code:
            w.unknown_ncos.append((match.group(), where))
    # "the NCO of Belgium", "the Belgian NCO" are not in the gazetteer: country names are.
    for match in re.finditer(r"\bNCOs?\s+(?:of|from)\s+(?:the\s+)?([A-Z][\w]+(?:\s+[A-Z][\w]+)*)",
                             text):
        row = w.gz.countries.get(_fold(match.group(1)))
        if row and row.get("ted_code") in w.gz.nco_by_code:
            mentions.append((match.start(), match.end(), w.gz.nco_by_code[row["ted_code"]]))
    mentions.sort()
    return mentions


def _participants(w: _Writer, text: str, where: URIRef) -> list[URIRef]:
    mentions = []
    for start, end, body in _body_mentions(w, text, where):
        # "European Labour Authority (ELA)": the acronym in brackets is the same mention.
        if mentions and mentions[-1][2] == body and re.fullmatch(r"\s*\(\s*", text[mentions[-1][1]:start]) \
                and text[end:end + 1] == ")":
            mentions[-1] = (mentions[-1][0], end + 1, body)
            continue
        mentions.append((start, end, body))
    keep = []
    for i, (_start, end, body) in enumerate(mentions):
        after = text[end:mentions[i + 1][0]] if i + 1 < len(mentions) else ""
        # "the European Labour Authority (ELA) as the European Coordination Office (ECO)":
        # the body taking part is the second.
        if re.fullmatch(r"\s*(?:\([^)]*\))?\s*as\s+(?:the\s+)?", after):
            continue
        if body not in keep:
            keep.append(body)
    return keep


def _participations_and_presentations(w: _Writer, meeting: URIRef) -> None:
    g, gz = w.g, w.gz
    w.unknown_ncos = []
    roles: dict[URIRef, dict[URIRef, set[URIRef]]] = {}   # body -> role -> passages

    def take_part(body: URIRef, role: str, source: URIRef) -> None:
        types = gz.body_types.get(body, set())
        if body == ECG_BODY or E.CouncilPresidency in types:
            return
        if E.WorkingGroup in types and role not in ("invited", "member"):
            return
        roles.setdefault(body, {}).setdefault(ROLE[role], set()).add(source)

    order = 0
    initiatives: dict[str, URIRef] = {}
    combined = _combined_event(w, meeting)
    for sentence in w.doc.sentences:
        text = sentence.text
        lowered = text.lower()
        if re.search(r"brought together|gathered|took part|attended by|participants were", lowered):
            for body in _participants(w, text, sentence.iri):
                if E.WorkingGroup not in gz.body_types.get(body, set()):
                    take_part(body, "member", sentence.iri)
        if "invited" in lowered:
            for _, _, body in _body_mentions(w, text, sentence.iri):
                if E.WorkingGroup in gz.body_types.get(body, set()):
                    take_part(body, "invited", sentence.iri)
        host = re.match(r"^(?P<subj>.+?)\s+(?:co-)?host(?:ed|s)\b", text)
        if host:
            for body in _participants(w, host.group("subj"), sentence.iri):
                take_part(body, "co-host", sentence.iri)
                take_part(body, "member", sentence.iri)
        chair = re.search(r"\bchaired by\s+(?P<obj>.+?)(?=\s+and\s+[a-z]+ed\b|[,.;]|$)", text)
        if chair:
            for body in _participants(w, chair.group("obj"), sentence.iri):
                take_part(body, "chair", sentence.iri)
        presented = PASSIVE_VERB.match(text) or PRESENT_VERB.match(text)
        if not presented:
            continue
        presenters = _participants(w, presented.group("subj"), sentence.iri)
        presenters = [b for b in presenters if b != ECG_BODY]
        if not presenters:
            continue
        for body in presenters:
            take_part(body, "member", sentence.iri)
        obj = presented.group("obj").strip()
        if obj:
            items = [(item, sentence.iri) for item in split_items(obj)]
        else:
            # "ECO presented:" followed by a bulleted list: each bullet is an item.
            items = [(re.sub(r"[;,.]\s*(?:and)?$", "", s.text).strip(), s.iri)
                     for s in w.doc.sentences
                     if s.paragraph == sentence.paragraph and s.sentence > sentence.sentence]
        for item, source in items:
            for body in presenters:
                order += 1
                iri = URIRef(f"{meeting}/item/{order}")
                w.resource(iri, E.Presentation, source)
                label = _label(item)
                if len(presenters) > 1:
                    label += f" (presented by {gz_label_short(gz, body)})"
                    w.note(iri, f"The summary names {len(presenters)} presenters for "
                                f"{item!r}: check who presented what (one item per presenter "
                                "is drafted).")
                g.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
                g.add((iri, E.itemOf, meeting))
                g.add((iri, E.listingOrder, Literal(order)))
                g.add((iri, E.presentedBy, body))
                for _, _, about in gz.find_bodies(item):
                    types = gz.body_types.get(about, set())
                    g.add((iri, E.aboutGroup if E.WorkingGroup in types else E.about, about))
                name = _initiative_name(_without_bodies(gz, item))
                if name and len(presenters) == 1:
                    initiative = _initiative(w, initiatives, name, source)
                    g.add((iri, E.aboutInitiative, initiative))
    # Initiatives listed after "including" / "These included".
    for sentence in w.doc.sentences:
        listed = INCLUDE_LIST.search(sentence.text)
        if not listed:
            continue
        lead = sentence.text[:listed.start()]
        # Only lists of initiatives: "These included ..." after presentations, or "various
        # initiatives, including ..."; not "workers, including frontier workers".
        if not (lead.strip() == "" or re.search(
                r"initiatives?|programmes?|projects?|practices|showcased|presented", lead)):
            continue
        if "best practices" in lead and not re.search(r"initiatives?|showcased", lead):
            continue
        for item in split_items(listed.group("list")):
            possessive = re.match(r"^(?:the\s+)?(?P<who>.+?)['’]s\s+(?:introduction|presentation|"
                                  r"launch)\s+of\s+(?:the\s+)?(?P<what>.+)$", item)
            if possessive:
                presenters = _participants(w, possessive.group("who"), sentence.iri)
                what = re.sub(r"\s+to\s+[a-z]+\b.*$", "", possessive.group("what"))
                initiative = _initiative(w, initiatives, what[:1].upper() + what[1:],
                                         sentence.iri)
                event = combined.get("event")
                if presenters and event is not None:
                    order_in_event = combined["order"] = combined.get("order", 0) + 1
                    iri = URIRef(f"{event}/item/{order_in_event}")
                    w.resource(iri, E.Presentation, sentence.iri)
                    g.add((iri, SKOS.prefLabel, Literal(_label(item), lang="en")))
                    g.add((iri, E.itemOf, event))
                    g.add((iri, E.listingOrder, Literal(order_in_event)))
                    g.add((iri, E.presentedBy, presenters[0]))
                    g.add((iri, E.aboutInitiative, initiative))
                    day = combined.get("day")
                    if day is not None:
                        g.add((iri, E.date, day))
                continue
            for name in _shared_head(item):
                _initiative(w, initiatives, name, sentence.iri)
            continue
    for text, where in w.unknown_ncos:
        if (where, text) in getattr(w, "_noted", set()):
            continue
        w._noted = getattr(w, "_noted", set()) | {(where, text)}
        w.note(meeting, f"The summary names {text!r} (derived from {where.rsplit('/', 1)[-1]}): "
                        "no EURES country has that code, so no participation is drafted; check "
                        "which NCO is meant.")
    if ECO in roles:
        roles[ECO].setdefault(ROLE["chair"], set()).add(ARTICLE_14)
        roles[ECO].setdefault(ROLE["organiser"], set()).add(ARTICLE_14)
    for body, by_role in sorted(roles.items()):
        local = str(body).rsplit("/", 1)[-1]
        participation = URIRef(f"{meeting}/participation/{local}")
        sources = sorted({s for passages in by_role.values() for s in passages})
        w.resource(participation, CV.Participation, *sources)
        g.add((participation, CV.hasParticipant, body))
        for role in by_role:
            g.add((participation, CV.role, role))
        g.add((meeting, CV.hasParticipation, participation))
        if ARTICLE_14 in sources:
            w.note(participation, "The chair and organiser roles come from Article 14 of "
                                  "Regulation (EU) 2016/589, not from the summary.")


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


def _combined_event(w: _Writer, meeting: URIRef) -> dict:
    """"... as a combined event with the Spanish Presidency event held on the third day"."""
    g, gz = w.g, w.gz
    for sentence in w.doc.sentences:
        match = re.search(r"combined event with (?:the\s+)?(?P<name>.+?\bevent)"
                          r"(?:\s+held\s+on\s+the\s+(?P<nth>\w+)\s+day)?", sentence.text)
        if not match:
            continue
        organisers = [b for _, _, b in gz.find_bodies(match.group("name"))
                      if E.CouncilPresidency in gz.body_types.get(b, set())]
        days = sorted(g.objects(meeting, E.hasDay))
        nth = ORDINALS.get((match.group("nth") or "").lower())
        day = None
        if nth is not None and days:
            wanted = len(days) if nth == -1 else nth
            day = next((d for d in days if g.value(d, E.dayNumber) == Literal(wanted)), None)
        date = g.value(day, E.date) if day is not None else None
        slug = slugify(match.group("name").replace(" event", ""))
        if organisers:
            country = gz.body_country.get(organisers[0])
            row = gz.country_by_code.get(str(country).rsplit("/", 1)[-1]) if country else None
            slug = (f"{row['ted_code']}-presidency" if row and row.get("ted_code")
                    else str(organisers[0]).rsplit("/", 1)[-1])
        event = URIRef(f"{ID}event/{slug}-{date}" if date else f"{ID}event/{slug}")
        w.resource(event, E.CombinedEvent, sentence.iri)
        g.add((meeting, E.combinedWith, event))
        g.add((event, SKOS.prefLabel, Literal(_label(match.group("name")), lang="en")))
        for organiser in organisers:
            g.add((event, E.organisedBy, organiser))
        if day is not None:
            g.add((event, E.onDay, day))
            g.add((event, E.startDate, date))
            g.add((event, E.endDate, date))
            g.add((day, PROV.wasDerivedFrom, sentence.iri))
        else:
            w.note(event, "The summary does not say on which day: add ecg:onDay and the dates.")
        if not organisers:
            w.note(event, "No organiser found among the known bodies: add ecg:organisedBy.")
        w.note(event, "Place not drafted: the summary does not say where this event was held; "
                      "add ecg:place if it is the meeting's.")
        return {"event": event, "day": date}
    return {}


def _without_bodies(gz: Gazetteer, item: str) -> str:
    """The item without a trailing "and <working group>": that is what it is about, not its name."""
    for start, end, body in reversed(gz.find_bodies(item)):
        if E.WorkingGroup in gz.body_types.get(body, set()) and end == len(item.rstrip()):
            return re.sub(r"\s+and\s+(?:the\s+)?$", "", item[:start]).strip() or item
    return item


PLURAL_HEADS = {"programmes": "programme", "projects": "project", "schemes": "scheme",
                "strategies": "strategy", "networks": "network", "initiatives": "initiative"}


def _shared_head(item: str) -> list[str]:
    """"the A and B programmes" is two initiatives: "A programme" and "B programme"."""
    name = _strip_action(item)
    match = re.fullmatch(r"(?P<a>[A-Z][\w'’ -]*?)\s+and\s+(?P<b>[A-Z][\w'’ -]*?)\s+"
                         r"(?P<head>\w+)", name)
    if match and match.group("head").lower() in PLURAL_HEADS:
        head = PLURAL_HEADS[match.group("head").lower()]
        return [f"{match.group('a')} {head}", f"{match.group('b')} {head}"]
    return [name]


def gz_label_short(gz: Gazetteer, body: URIRef) -> str:
    for form, candidate in reversed(gz.bodies):
        if candidate == body:
            return form
    return gz.body_labels.get(body, str(body))


def _strip_action(item: str) -> str:
    item = re.sub(r"^(?:the\s+)?(?:implementation|utilisation|establishment|introduction|"
                  r"launch|development)\s+of\s+", "", item.strip(), flags=re.I)
    item = re.sub(r"^(?:the|a|an)\s+(?:new\s+)?", "", item, flags=re.I)
    return item[:1].upper() + item[1:]


def _initiative(w: _Writer, known: dict[str, URIRef], name: str, source: URIRef) -> URIRef:
    slug = slugify(name)[:80].strip("-") or "initiative"
    iri = known.get(slug)
    existing = w.gz.initiative_labels.get(_fold(name)) or w.gz.initiative_labels.get(
        _fold(re.sub(r"\s*\([^)]*\)", "", name)))
    if iri is None and existing is None and URIRef(f"{ID}initiative/{slug}") in w.gz.known:
        existing = URIRef(f"{ID}initiative/{slug}")
    if iri is None and existing is not None:
        # Described in data/ already: refer to it, and record this passage as a source.
        known[slug] = iri = existing
    elif iri is None:
        iri = URIRef(f"{ID}initiative/{slug}")
        known[slug] = iri
        w.resource(iri, _initiative_class(name))
        w.g.add((iri, SKOS.prefLabel, Literal(name, lang="en")))
    w.g.add((iri, PROV.wasDerivedFrom, source))
    return iri


LEGAL = re.compile(
    r"\b(?:(?P<part>Article|Art\.|Recital)\s+(?P<pnum>\d+[a-z]?)\s+of\s+)?"
    r"(?P<impl>(?:Commission\s+)?Implementing\s+)?(?P<kind>Regulation|Directive|Decision)\s+"
    r"\((?P<scope>EU|EC|EEC)\)\s+(?:No\s+)?(?P<year>\d{4})/(?P<num>\d+)")
ELI_KIND = {"Regulation": ("reg", "R", E.Regulation), "Directive": ("dir", "L", E.Directive),
            "Decision": ("dec", "D", E.Decision)}


def _legal_references(w: _Writer) -> None:
    g = w.g
    passages = w.doc.sentences + list(w.doc.footnotes.values())
    sources_of: dict[int, list[URIRef]] = {}
    for sentence in w.doc.sentences:
        for ref in sentence.footnote_refs:
            sources_of.setdefault(ref, []).append(sentence.iri)
    for passage in passages:
        for match in LEGAL.finditer(passage.text):
            kind = match.group("kind")
            segment, letter, rdf_type = ELI_KIND[kind]
            if match.group("impl") and kind == "Decision":
                segment, rdf_type = "dec_impl", E.ImplementingDecision
            year, number = match.group("year"), match.group("num")
            celex = f"3{year}{letter}{int(number):04d}"
            act = w.gz.acts.get(celex)
            act_label = f"{'Commission Implementing ' if segment == 'dec_impl' else ''}{kind} " \
                        f"({match.group('scope')}) {year}/{number}"
            sources = [passage.iri] + (sources_of.get(passage.footnote, [])
                                       if passage.footnote is not None else [])
            if act is None and URIRef(f"http://data.europa.eu/eli/{segment}/{year}/{number}/oj") \
                    in w.gz.known:
                act = URIRef(f"http://data.europa.eu/eli/{segment}/{year}/{number}/oj")
            if act is not None and act in w.gz.known:
                for source in sources:
                    g.add((act, PROV.wasDerivedFrom, source))
            if act is None:
                act = URIRef(f"http://data.europa.eu/eli/{segment}/{year}/{number}/oj")
                w.resource(act, rdf_type, *sources)
                g.add((act, SKOS.prefLabel, Literal(act_label, lang="en")))
                g.add((act, ELI.id_local, Literal(celex)))
                w.note(act, "ELI built from the citation and not verified: check it resolves, "
                            "and add eli:title and eli:date_document.")
            if match.group("part"):
                part = "art" if match.group("part").startswith("Art") else "rct"
                provision = URIRef(f"{ID}act/{celex}/{part}-{match.group('pnum')}")
                if provision in w.gz.known:
                    for source in sources:
                        g.add((provision, PROV.wasDerivedFrom, source))
                    continue
                w.resource(provision, E.Article if part == "art" else E.Recital, *sources)
                g.add((provision, ELI.is_part_of, act))
                g.add((provision, ELI.number, Literal(match.group("pnum"))))
                g.add((provision, SKOS.prefLabel, Literal(
                    f"{'Article' if part == 'art' else 'Recital'} {match.group('pnum')} of "
                    f"{act_label}", lang="en")))


def _esco_links(w: _Writer, release: Path | None) -> None:
    """ESCO concepts whose label the text of an item or initiative spells out, as proposals."""
    from ecgkg.esco import default_release_dir
    from ecgkg.esco.package import release_iri, release_version
    from ecgkg.esco.suggest import label_matches

    g = w.g
    release = release if release is not None else default_release_dir()
    targets = [(s, str(o)) for s, o in g.subject_objects(SKOS.prefLabel)
               if (s, RDF.type, E.Presentation) in g or str(s).startswith(f"{ID}initiative/")]
    if not targets:
        return
    try:
        version = release_version(release)
        matches = {label: label_matches(label, release) for _, label in targets}
    except EcgkgError as error:
        w.note(w.doc.iri, f"No ESCO links proposed: {error}")
        return
    release_node = URIRef(release_iri(version))
    schemes = pillar_schemes(release)
    for subject, label in sorted(targets):
        proposals = list(matches[label])
        if re.search(r"\bESCO\b", label):
            # The text names the classification itself: propose its two pillars.
            proposals += [("ESCO " + kind, scheme) for kind, scheme in schemes.items()]
        for phrase, match in proposals:
            if match.status and match.status != "released":
                continue
            if match.label_type != "preferred" and len(phrase.split()) < 3:
                continue  # two-word alternative labels ("technical support") mislead too often
            link = URIRef(f"{subject}/esco/{slugify(phrase.removeprefix('ESCO '))}")
            if (link, RDF.type, E.EscoLink) in g:
                continue
            sources = list(g.objects(subject, PROV.wasDerivedFrom))
            w.resource(link, E.EscoLink, *sources)
            g.add((subject, E.hasEscoLink, link))
            g.add((link, E.escoConcept, URIRef(match.iri)))
            g.add((link, E.escoLabelAtLink, Literal(match.preferred_label, lang="en")))
            g.add((link, E.escoRelease, release_node))
            g.add((link, E.escoStatusAtLink, Literal(match.status or "released")))
            w.note(link, f"Proposed by ecgkg draft: the text says {phrase!r}, the "
                         f"{match.label_type} label {match.matched_label!r} of this ESCO "
                         f"{match.kind} (score {match.score:.2f}); check it is what is meant.")


def pillar_schemes(release: Path) -> dict[str, object]:
    """The occupations and skills pillars of a release as label matches, labels read from its
    conceptSchemes file (none when the release lacks it)."""
    from ecgkg.esco.package import CONCEPT_SCHEMES, PILLAR_SCHEMES, CsvFile, find_file
    from ecgkg.esco.suggest import LabelMatch

    path = find_file(release, CONCEPT_SCHEMES, "en")
    found = {}
    if path is None:
        return found
    with CsvFile(path, CONCEPT_SCHEMES) as f:
        i_uri, i_pref = f.column("conceptSchemeUri"), f.column("preferredLabel")
        i_status = f.column("status")
        for _, row in f.rows():
            iri = row[i_uri].strip()
            if iri in PILLAR_SCHEMES:
                kind = iri.rsplit("/", 1)[-1]
                status = row[i_status].strip() if i_status is not None else ""
                found[kind] = LabelMatch(iri, "concept scheme", row[i_pref].strip(),
                                         row[i_pref].strip(), "preferred", 1.0, status)
    return found


def write_draft(result: Draft, output: Path) -> None:
    write_atomically(output, canonical_turtle(result.graph))


def draft_text(result: Draft) -> str:
    return canonical_turtle(result.graph)
