"""Propose ESCO occupations and skills for a phrase, from the local release files only.

Labels and the phrase are normalised (accents folded, lower case, punctuation dropped, a light
plural stemming), then scored:

* 1.00 the phrase is a concept's preferred label; 0.95 an alternative label; 0.90 a hidden label;
* below 0.85 otherwise: the IDF-weighted share of tokens the phrase and a label have in common
  (a misspelt token counts by its similarity to the closest label token), blended with the
  character similarity of the two strings, times 0.85 (and a little less for alternative and
  hidden labels).

Each concept is suggested once, for its best label. The index of a release is built once per
process (about a second for v1.1.1) and reused.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import pickle
import re
import unicodedata
from array import array
from dataclasses import dataclass
from pathlib import Path

from ecgkg.errors import EcgkgError
from ecgkg.esco.package import (
    OCCUPATIONS,
    SKILLS,
    CsvFile,
    check_release_dir,
    find_file,
    split_lines,
)
from ecgkg.sources import display_path

KINDS = ("occupation", "skill")
PREFERRED, ALTERNATIVE, HIDDEN = "preferred", "alternative", "hidden"
EXACT_SCORES = {PREFERRED: 1.0, ALTERNATIVE: 0.95, HIDDEN: 0.9}
PARTIAL_FACTOR = {PREFERRED: 1.0, ALTERNATIVE: 0.97, HIDDEN: 0.94}
PARTIAL_CEILING = 0.85


@dataclass(frozen=True)
class Suggestion:
    iri: str
    kind: str                 # occupation | skill
    preferred_label: str
    matched_label: str
    label_type: str           # preferred | alternative | hidden
    score: float
    status: str = ""          # the concept's status in the release ("released"), "" if not given


_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case ASCII words separated by single spaces (accents folded, punctuation gone)."""
    if text.isascii():
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text)
        folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _tokens(normalised: str) -> frozenset[str]:
    return frozenset(_stem(t) for t in normalised.split())


@dataclass
class _Entry:
    concept: int          # index into _Index.concepts
    label: str
    label_type: str
    norm: str
    tokens: frozenset[str]


class _Index:
    def __init__(self) -> None:
        self.concepts: list[tuple[str, str, str]] = []   # (iri, kind, preferred label)
        self.status: list[str] = []                       # per concept, "" when not given
        self.entries: list[_Entry] = []
        self.by_norm: dict[str, list[int]] = {}
        self.by_token: dict[str, list[int]] = {}
        self.idf: dict[str, float] = {}

    def add_file(self, path: Path, spec, kind: str) -> None:
        with CsvFile(path, spec) as f:
            i_uri, i_pref = f.column("conceptUri"), f.column("preferredLabel")
            i_alt, i_hidden = f.column("altLabels"), f.column("hiddenLabels")
            i_status = f.column("status")
            for _, row in f.rows():
                iri, pref = row[i_uri].strip(), row[i_pref].strip()
                if not iri:
                    continue
                concept = len(self.concepts)
                self.concepts.append((iri, kind, pref))
                self.status.append(row[i_status].strip() if i_status is not None else "")
                seen: set[str] = set()
                labels = [(pref, PREFERRED)]
                if i_alt is not None:
                    labels += [(v, ALTERNATIVE) for v in split_lines(row[i_alt])]
                if i_hidden is not None:
                    labels += [(v, HIDDEN) for v in split_lines(row[i_hidden])]
                for label, label_type in labels:
                    norm = normalise(label)
                    if not norm or norm in seen:
                        continue
                    seen.add(norm)
                    index = len(self.entries)
                    entry = _Entry(concept, label, label_type, norm, _tokens(norm))
                    self.entries.append(entry)
                    self.by_norm.setdefault(norm, []).append(index)
                    for token in entry.tokens:
                        self.by_token.setdefault(token, []).append(index)

    def __getstate__(self) -> dict:
        # Columns instead of 130,000 small objects: loading them back is ten times faster.
        entries = self.entries
        return {
            "concepts": self.concepts, "status": self.status,
            "concept": array("i", (e.concept for e in entries)),
            "label": [e.label for e in entries],
            "label_type": "".join(e.label_type[0] for e in entries),
            "norm": [e.norm for e in entries],
            "by_token": self.by_token, "idf": self.idf,
        }

    def __setstate__(self, state: dict) -> None:
        self.concepts, self.status = state["concepts"], state["status"]
        self.entries = _Entries(state["concept"], state["label"], state["label_type"],
                                state["norm"])
        self.by_norm = {}
        for index, norm in enumerate(state["norm"]):
            self.by_norm.setdefault(norm, []).append(index)
        self.by_token, self.idf = state["by_token"], state["idf"]
        self.vocabulary = list(self.by_token)

    def finish(self) -> None:
        total = len(self.entries) or 1
        self.idf = {t: math.log(1 + total / len(ids)) for t, ids in self.by_token.items()}
        self.vocabulary = list(self.by_token)


_TYPES = {t[0]: t for t in (PREFERRED, ALTERNATIVE, HIDDEN)}


class _Entries:
    """The entries of a kept index, made on access from its columns."""

    def __init__(self, concept, label, label_type, norm) -> None:
        self._concept, self._label, self._type, self._norm = concept, label, label_type, norm

    def __len__(self) -> int:
        return len(self._norm)

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __getitem__(self, index: int) -> _Entry:
        norm = self._norm[index]
        return _Entry(self._concept[index], self._label[index], _TYPES[self._type[index]], norm,
                      _tokens(norm))


_CACHE: dict[tuple, _Index] = {}


def _index(release_dir: Path, language: str) -> _Index:
    release_dir = check_release_dir(Path(release_dir))
    files = []
    for spec, kind in ((OCCUPATIONS, "occupation"), (SKILLS, "skill")):
        path = find_file(release_dir, spec, language)
        if path is not None:
            files.append((path, spec, kind))
    if not files:
        raise EcgkgError(
            f"{display_path(release_dir)}: not an ESCO CSV package: no occupations_{language} "
            f"or skills_{language} file (expected columns {OCCUPATIONS.describe()})"
        )
    key = tuple((str(p.resolve()), p.stat().st_mtime_ns, p.stat().st_size) for p, _, _ in files)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _load_kept(key)
    if cached is None:
        cached = _Index()
        for path, spec, kind in files:
            cached.add_file(path, spec, kind)
        cached.finish()
        _keep(key, cached)
    _CACHE.clear()
    _CACHE[key] = cached
    return cached


# The index is kept on disk between runs, so a suggestion after the first costs well under a
# second instead of re-reading the release. The file is named after the release files' paths,
# sizes and modification times: a changed release gets a new index.
INDEX_FORMAT = 2


def cache_dir() -> Path:
    """$ECGKG_CACHE_DIR, else ecgkg/ under $XDG_CACHE_HOME, else ~/.cache/ecgkg. The XDG base
    directory spec says a relative XDG_CACHE_HOME is invalid and must be ignored."""
    configured = os.environ.get("ECGKG_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "ecgkg"


def _kept_path(key: tuple) -> Path:
    digest = hashlib.sha256(repr((INDEX_FORMAT, key)).encode()).hexdigest()[:24]
    return cache_dir() / f"esco-suggest-{digest}.pickle"


def _load_kept(key: tuple) -> _Index | None:
    path = _kept_path(key)
    try:
        with open(path, "rb") as stream:
            kept = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    return kept if isinstance(kept, _Index) else None


def _keep(key: tuple, index: _Index) -> None:
    """Best effort: a cache that cannot be written only costs time."""
    from ecgkg.files import write_file

    path = _kept_path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
    except (OSError, EcgkgError):
        pass


def suggest(text: str, release_dir: Path, kind: str | None = None, top: int = 10,
            language: str = "en") -> list[Suggestion]:
    """The ``top`` best ESCO concepts for a phrase, best first (ties by label, then IRI)."""
    if kind is not None and kind not in KINDS:
        raise EcgkgError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")
    if top < 1:
        raise EcgkgError("top must be at least 1")
    query = normalise(text)
    if not query:
        raise EcgkgError(f"nothing to match in {text!r}: give a few words")
    index = _index(release_dir, language)
    query_tokens = _tokens(query)

    # Query tokens the labels do not use are matched to the closest label tokens.
    weights: dict[str, float] = {}
    for token in query_tokens:
        if token in index.by_token:
            weights[token] = 1.0
        else:
            for close in difflib.get_close_matches(token, index.vocabulary, n=3, cutoff=0.8):
                similarity = difflib.SequenceMatcher(None, token, close).ratio()
                weights[close] = max(weights.get(close, 0.0), similarity)
    idf = index.idf
    default_idf = math.log(1 + len(index.entries))
    query_weight = sum(idf.get(t, default_idf) for t in query_tokens)

    best: dict[int, tuple[float, int]] = {}   # concept -> (score, entry)

    def keep(entry_id: int, score: float) -> None:
        entry = index.entries[entry_id]
        if kind is not None and index.concepts[entry.concept][1] != kind:
            return
        current = best.get(entry.concept)
        if current is None or score > current[0]:
            best[entry.concept] = (score, entry_id)

    for entry_id in index.by_norm.get(query, ()):
        keep(entry_id, EXACT_SCORES[index.entries[entry_id].label_type])

    overlap: dict[int, float] = {}
    for token, weight in weights.items():
        token_idf = idf[token]
        for entry_id in index.by_token[token]:
            overlap[entry_id] = overlap.get(entry_id, 0.0) + weight * token_idf
    ranked = []
    for entry_id, shared in overlap.items():
        entry = index.entries[entry_id]
        label_weight = sum(idf[t] for t in entry.tokens)
        union = query_weight + label_weight - shared
        ranked.append((shared / union if union > 0 else 0.0, entry_id))
    ranked.sort(reverse=True)
    for token_score, entry_id in ranked[: max(300, top * 20)]:
        entry = index.entries[entry_id]
        if entry.norm == query:
            continue  # scored as an exact match above
        characters = difflib.SequenceMatcher(None, query, entry.norm).ratio()
        score = PARTIAL_CEILING * PARTIAL_FACTOR[entry.label_type] * (
            0.7 * token_score + 0.3 * characters)
        keep(entry_id, score)

    suggestions = []
    for concept, (score, entry_id) in best.items():
        iri, concept_kind, pref = index.concepts[concept]
        entry = index.entries[entry_id]
        suggestions.append(Suggestion(iri, concept_kind, pref, entry.label, entry.label_type,
                                      round(score, 4), index.status[concept]))
    suggestions.sort(key=lambda s: (-s.score, s.preferred_label, s.iri))
    return suggestions[:top]


@dataclass(frozen=True)
class LabelMatch:
    iri: str
    kind: str
    preferred_label: str
    matched_label: str
    label_type: str
    score: float
    status: str               # the concept's status in the release, "" when not given


def label_matches(text: str, release_dir: Path, language: str = "en",
                  min_tokens: int = 2) -> list[tuple[str, LabelMatch]]:
    """Every run of words in ``text`` that is exactly (after normalisation) a label of an ESCO
    occupation or skill, as (words, match), longest runs first; runs shorter than
    ``min_tokens`` words are skipped because single words match far too many labels."""
    index = _index(release_dir, language)
    words = normalise(text).split()
    found: list[tuple[str, LabelMatch]] = []
    covered: set[int] = set()
    for size in range(min(8, len(words)), min_tokens - 1, -1):
        for start in range(0, len(words) - size + 1):
            span = set(range(start, start + size))
            if span & covered:
                continue
            phrase = " ".join(words[start:start + size])
            entries = index.by_norm.get(phrase)
            if not entries:
                continue
            covered |= span
            for entry_id in entries:
                entry = index.entries[entry_id]
                iri, kind, pref = index.concepts[entry.concept]
                found.append((phrase, LabelMatch(iri, kind, pref, entry.label, entry.label_type,
                                                 EXACT_SCORES[entry.label_type],
                                                 index.status[entry.concept])))
    return found


PLACEHOLDER_SUBJECT = "https://w3id.org/ecgkg/id/initiative/CHANGE-ME"


def suggestions_turtle(text: str, suggestions: list[Suggestion], version: str,
                       subject: str | None = None, source: str | None = None) -> str:
    """Turtle ready to paste: one ecg:EscoLink per suggestion, for SUBJECT (an agenda item or
    initiative IRI), each unreviewed, with its score and matched label in an editorial note."""
    subject = subject or PLACEHOLDER_SUBJECT
    release = f"https://w3id.org/ecgkg/id/esco-release/{version}"
    lines = [
        f"# ESCO suggestions for {text!r} (release {version}), best first: keep the links",
        "# that fit, delete the others, and mark the kept ones reviewed.",
        "@prefix ecg: <https://w3id.org/ecgkg/ontology#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "",
    ]
    if subject == PLACEHOLDER_SUBJECT:
        lines.append("# TODO: replace CHANGE-ME by the agenda item or initiative (--for IRI).")
    used: set[str] = set()
    for s in suggestions:
        slug = "-".join(normalise(s.preferred_label).split())[:60].strip("-") or "concept"
        while slug in used:
            slug += "-2"
        used.add(slug)
        link = f"{subject}/esco/{slug}"
        label = s.preferred_label.replace("\\", "\\\\").replace('"', '\\"')
        matched = s.matched_label.replace("\\", "\\\\").replace('"', '\\"')
        lines += [
            f"<{subject}> ecg:hasEscoLink <{link}> .",
            f"<{link}> a ecg:EscoLink ;",
            f'    skos:editorialNote "Suggested by ecgkg esco suggest for \'{normalise(text)}\': '
            f'score {s.score:.2f}, matched {s.label_type} label \'{matched}\'."@en ;',
            (f"    prov:wasDerivedFrom <{source}> ;" if source else
             "    # TODO: prov:wasDerivedFrom <the source passage> ;"),
            f"    ecg:escoConcept <{s.iri}> ;",
            f'    ecg:escoLabelAtLink "{label}"@en ;',
            f"    ecg:escoRelease <{release}> ;",
            f'    ecg:escoStatusAtLink "{s.status or "released"}" ;',
            '    ecg:reviewStatus "unreviewed" .',
            "",
        ]
    return "\n".join(lines)
