"""Named queries: load queries/*.rq, check their headers, and bind their typed parameters.

A query file starts with a header of grlc-like comment lines, then the SPARQL text:

    #+ title: The agenda of one meeting, in order
    #+ description: Every agenda item of the meeting and of the events combined with it.
    #+ param: meeting iri https://w3id.org/ecgkg/id/meeting/ECG-2023-11-22 "The meeting"
    #+ columns: event position item title presenter
    #+ tags: meetings

`param` takes a name (the query's `?name` variable), a type (iri, string, date, integer, gYear,
lang-string), a default written as a user types it on the command line (quote it when it holds
spaces; `-` for none: the variable is left unbound and the query itself decides, as
meeting-agenda picks the latest meeting) and a quoted description. `columns` lists the SELECT
variables in order. Parameters are bound as RDF terms, never spliced into the query as text:
see `bind_values`.
"""

from __future__ import annotations

import re
from collections import namedtuple
from pathlib import Path

import pyoxigraph as ox

from ecgkg.errors import EcgkgError
from ecgkg.limits import check_query_depth
from ecgkg.namespaces import PREFIXES
from ecgkg.record import Record
from ecgkg.sources import HOME_HINT, display_path, project_root, queries_dir

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "string", "date", "integer", "gYear", "lang-string")
HEADER_KEYS = ("title", "description", "param", "columns", "tags")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# ---- parameter values: what a user types -> one RDF term of the declared type

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTEGER = re.compile(r"[+-]?\d+")
_GYEAR = re.compile(r"-?\d{4,}")
_LANG_STRING = re.compile(r"(.*)@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)", re.DOTALL)
_CURIE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(?!//)(.*)", re.DOTALL)


def parse_value(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a command-line value stands for; raises ValueError with the expected form.

    iri: an absolute IRI, optionally in <...>, or prefix:local with one of the project's
    prefixes (ecgid:org/ECO); string: any text; date: YYYY-MM-DD; integer: digits with an
    optional sign; gYear: a year such as 2025; lang-string: text@lang (Investigo@es).
    """
    if kind == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        curie = _CURIE.fullmatch(iri)
        if curie and curie.group(1) in PREFIXES:
            iri = PREFIXES[curie.group(1)] + curie.group(2)
        try:
            return ox.NamedNode(iri)
        except ValueError as error:
            raise ValueError(f"not an absolute IRI ({error})") from None
    if kind == "string":
        return ox.Literal(value)
    if kind == "date":
        import datetime  # here, not at the top: most queries take no date

        try:
            if not _DATE.fullmatch(value):
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a date (expected YYYY-MM-DD, e.g. 2023-11-22)") from None
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if kind == "integer":
        if not _INTEGER.fullmatch(value):
            raise ValueError("not an integer (expected digits, e.g. 5)")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "gYear":
        if not _GYEAR.fullmatch(value):
            raise ValueError("not a year (expected four digits, e.g. 2025)")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
    if kind == "lang-string":
        match = _LANG_STRING.fullmatch(value)
        if not match:
            raise ValueError("not a language-tagged string (expected text@lang, e.g. Investigo@es)")
        try:
            return ox.Literal(match.group(1), language=match.group(2))
        except ValueError as error:
            raise ValueError(f"bad language tag ({error})") from None
    raise ValueError(f"unknown parameter type {kind!r} (one of {', '.join(PARAM_TYPES)})")


# A default of `-` declares none: unless the user gives a value, the parameter's variable is
# left unbound, so the query can compute its own default from the data (the latest meeting)
# rather than name a fact that new data makes stale.
UNBOUND = "-"


# Plain named tuples and classes rather than dataclasses on the path of `ecgkg query`: the
# dataclasses module imports inspect, about 10 ms of every query's start-up (ecgkg/launcher.py).


class Param(namedtuple("Param", "name type default description")):
    """One declared parameter: the query variable it binds, its type, default (None: left
    unbound unless given, declared as `-`) and meaning."""

    __slots__ = ()

    @property
    def shown_default(self) -> str:
        return "chosen by the query, see its description" if self.default is None else self.default

    def term(self, value: str | None = None) -> ox.NamedNode | ox.Literal | None:
        """The term to bind: the value given, else the default (None: leave it unbound)."""
        text = self.default if value is None else value
        if text is None:
            return None
        try:
            return parse_value(self.type, text)
        except ValueError as error:
            raise EcgkgError(f"--param {self.name}={text}: {error}") from None


# ---- a small SPARQL lexer: enough to find keywords, variables and braces outside strings,
# IRIs and comments (the query itself is parsed by the engine that runs it). Non-ASCII name
# characters are written as negated classes ([^\x00-\xB6] for \u00B7 and up): a class
# spanning up to \uFFFF takes Python's re ~30 ms to compile, in every `ecgkg query`.

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$](?:[A-Za-z0-9_]|[^\x00-\xB6])+)
  | (?P<word>(?:[A-Za-z0-9_:]|[^\x00-\xBF])(?:[A-Za-z0-9_:.\-%]|[^\x00-\xB6])*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


Token = namedtuple("Token", "kind text start end")


def tokens(sparql: str) -> list[Token]:
    """Significant tokens (no spaces or comments) with their offsets in the text."""
    out = []
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            out.append(Token(kind, match.group(), match.start(), match.end()))
    return out


def _form_index(toks: list[Token]) -> int | None:
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() in QUERY_FORMS:
            return i
    return None


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (None for an update or unreadable text)."""
    kind, keyword = sparql_operation(sparql)
    return keyword if kind == "query" else None


UPDATE_KEYWORDS = ("INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                   "ADD")


def sparql_operation(sparql: str) -> tuple[str, str | None]:
    """("query", SELECT|CONSTRUCT|DESCRIBE|ASK), ("update", its first keyword) or ("unknown", None).

    Decided as the SPARQL grammar decides it: after the prologue (BASE and PREFIX declarations)
    a query starts with its form and an update with an update operation. A keyword deeper in
    the text, such as the SELECT of a sub-query inside DELETE ... WHERE, does not count.
    """
    toks = tokens(sparql)
    i = 0
    while i < len(toks) and toks[i].kind == "word" and toks[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if toks[i].text.upper() == "BASE" else 3  # BASE <iri> | PREFIX pname: <iri>
    if i >= len(toks) or toks[i].kind != "word":
        return "unknown", None
    keyword = toks[i].text.upper()
    if keyword in QUERY_FORMS:
        return "query", keyword
    if keyword in UPDATE_KEYWORDS:
        return "update", keyword
    return "unknown", None


# The only words by which a query reads named graphs: GRAPH patterns and FROM / FROM NAMED
# dataset clauses (a query cannot update the store).
GRAPH_KEYWORDS = ("GRAPH", "FROM")
_GRAPH_WORD = re.compile(r"graph|from", re.IGNORECASE)


def uses_named_graphs(sparql: str) -> bool:
    """Whether a query may read named graphs: GRAPH or FROM as a keyword, not in a string, an
    IRI or a comment. A backslash makes the lexer unsure (an escape in a prefixed name, such
    as ex:a\\#b, or a \\u escape, which SPARQL expands before parsing), so then any such
    letters count, even in a comment."""
    if any(tok.kind == "word" and tok.text.upper() in GRAPH_KEYWORDS for tok in tokens(sparql)):
        return True
    if "\\" not in sparql:
        return False
    return "\\u" in sparql.lower() or _GRAPH_WORD.search(sparql) is not None


def select_variables(sparql: str) -> list[str] | None:
    """The projected variables of a SELECT query, in order; None for SELECT * or other forms."""
    toks = tokens(sparql)
    i = _form_index(toks)
    if i is None or toks[i].text.upper() != "SELECT":
        return None
    names: list[str] = []
    depth = 0
    after_as = False
    for tok in toks[i + 1:]:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif depth == 0 and (tok.text == "{" or tok.text.upper() in ("WHERE", "FROM")):
            break
        elif depth == 0 and tok.text == "*":
            return None
        elif tok.kind == "var" and (depth == 0 or after_as):
            names.append(tok.text[1:])
        after_as = tok.kind == "word" and tok.text.upper() == "AS"
    return names


def variables_used(sparql: str) -> set[str]:
    return {tok.text[1:] for tok in tokens(sparql) if tok.kind == "var"}


def where_group_offset(sparql: str) -> int | None:
    """Offset just after the `{` that opens the query's WHERE group, or None if it has none."""
    toks = tokens(sparql)
    i = _form_index(toks)
    if i is None:
        return None
    form = toks[i].text.upper()
    parens = 0
    template_skipped = False
    j = i + 1
    while j < len(toks):
        tok = toks[j]
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif parens == 0 and tok.kind == "word" and tok.text.upper() == "WHERE":
            following = toks[j + 1] if j + 1 < len(toks) else None
            if following is None or following.text != "{":
                return None
            if form == "CONSTRUCT" and not template_skipped:
                return None  # CONSTRUCT WHERE { triples }: no room for VALUES inside
            return following.end
        elif parens == 0 and tok.text == "{":
            if form == "CONSTRUCT" and not template_skipped:
                depth = 0
                while j < len(toks):
                    depth += {"{": 1, "}": -1}.get(toks[j].text, 0)
                    if depth == 0:
                        break
                    j += 1
                template_skipped = True
            else:
                return tok.end
        j += 1
    return None


def bind_values(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with `VALUES ?name { term }` at the start of its WHERE group, one per binding.

    Each term is written in its N-Triples form by pyoxigraph, which escapes quotes, backslashes
    and line breaks in literals and accepts only valid IRIs, so a value full of SPARQL syntax
    stays one RDF term. A query without a WHERE group (CONSTRUCT WHERE, DESCRIBE <iri>) gets a
    trailing VALUES clause instead.
    """
    if not bindings:
        return sparql
    clause = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items())
    offset = where_group_offset(sparql)
    if offset is None:
        return f"{sparql}\n{clause}\n"
    return f"{sparql[:offset]} {clause}\n{sparql[offset:]}"


# ---- prefixes: the project's are pre-declared; an unknown one is one line of error

_PNAME = re.compile(r"([A-Za-z][A-Za-z0-9_.\-]*)?:")


def declared_prefixes(sparql: str) -> set[str]:
    """Prefixes the query's own PREFIX lines declare."""
    toks = tokens(sparql)
    return {toks[i + 1].text[:-1] for i, tok in enumerate(toks[:-1])
            if tok.kind == "word" and tok.text.upper() == "PREFIX"
            and toks[i + 1].text.endswith(":")}


def used_prefixes(sparql: str) -> dict[str, int]:
    """Prefix -> offset of its first use in a prefixed name (outside strings, IRIs, comments)."""
    used: dict[str, int] = {}
    toks = tokens(sparql)
    for i, tok in enumerate(toks):
        if tok.kind != "word" or ":" not in tok.text:
            continue
        if i and toks[i - 1].kind == "word" and toks[i - 1].text.upper() == "PREFIX":
            continue
        match = _PNAME.match(tok.text)
        if match:
            used.setdefault(match.group(1) or "", tok.start)
    return used


def missing_prefixes(sparql: str) -> list[str]:
    """The project's prefixes (ecgkg.namespaces) a query uses without declaring them."""
    declared = declared_prefixes(sparql)
    return [p for p in used_prefixes(sparql) if p not in declared and p in PREFIXES]


def check_prefixes(query: NamedQuery) -> None:
    """Raise one line for a prefix neither the query nor the project declares."""
    declared = declared_prefixes(query.text)
    for prefix, offset in used_prefixes(query.text).items():
        if prefix not in declared and prefix not in PREFIXES:
            line = query.text.count("\n", 0, offset) + 1
            raise EcgkgError(f"{query.label}:{line}: undeclared prefix {prefix}: "
                             f"(known: {', '.join(PREFIXES)})")


def with_prologue(sparql: str) -> str:
    """The query with PREFIX declarations for the project's prefixes it uses undeclared, for
    endpoints, which know none. Written on the query's first line so line numbers stay."""
    missing = missing_prefixes(sparql)
    if not missing:
        return sparql
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}> " for p in missing) + sparql


# ---- query files and their headers


class NamedQuery(Record):
    """A query with its header: a bundled file, a user's file, or standard input."""

    FIELDS = ("name", "text", "path", "title", "description", "params", "columns", "tags")

    def __init__(self, name: str, text: str, path: Path | None = None, title: str = "",
                 description: str = "", params: list[Param] | None = None,
                 columns: list[str] | None = None, tags: list[str] | None = None) -> None:
        self.name = name
        self.text = text
        self.path = path
        self.title = title
        self.description = description
        self.params = [] if params is None else params
        self.columns = [] if columns is None else columns
        self.tags = [] if tags is None else tags


    @property
    def form(self) -> str | None:
        return query_form(self.text)

    @property
    def label(self) -> str:
        """How messages name the query: its file, else its name (<stdin>, <query>)."""
        return display_path(self.path) if self.path else self.name

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise EcgkgError(f"--param {name}: {self.name} has no parameter {name!r} "
                         f"(its parameters: {known})")

    def bindings(self, values: dict[str, str] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
        """A term for every declared parameter: the value given, else the default; a parameter
        without a default, not given, is left out (its variable stays unbound)."""
        values = dict(values or {})
        for name in values:
            self.param(name)
        terms = {p.name: p.term(values.get(p.name)) for p in self.params}
        return {name: term for name, term in terms.items() if term is not None}


def _where(path: Path | None, name: str, line: int) -> str:
    return f"{display_path(path) if path else name}:{line}"


def parse_query(text: str, name: str, path: Path | None = None, strict: bool = False) -> NamedQuery:
    """Read a query's header and check it against the query.

    Every file is checked for well-formed header lines, parameter types, defaults of the right
    type, parameters the query uses and columns that match its SELECT clause. `strict` (the
    bundled library) also demands a title, a description, and columns for a SELECT query.
    """
    check_query_depth(text, display_path(path) if path else name)
    query = NamedQuery(name=name, text=text, path=path)
    descriptions: list[str] = []
    seen: set[str] = set()
    in_header = True
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_header and (not line or (line.startswith("#") and not line.startswith("#+"))):
            continue
        if not line.startswith("#+"):
            in_header = False
            continue
        where = _where(path, name, number)
        if not in_header:
            raise EcgkgError(f"{where}: header line after the query text starts: {line}")
        key, colon, value = line[2:].partition(":")
        key, value = key.strip(), value.strip()
        if not colon or key not in HEADER_KEYS:
            raise EcgkgError(f"{where}: unknown header line {line!r} "
                             f"(expected #+ KEY: VALUE with KEY one of {', '.join(HEADER_KEYS)})")
        if key in seen and key in ("title", "columns"):
            raise EcgkgError(f"{where}: second #+ {key}: line")
        seen.add(key)
        if key == "title":
            query.title = value
        elif key == "description":
            descriptions.append(value)
        elif key == "columns":
            query.columns = [c.lstrip("?$") for c in value.split()]
        elif key == "tags":
            query.tags += [t for t in re.split(r"[\s,]+", value) if t]
        elif key == "param":
            query.params.append(_parse_param(value, where, query))
    query.description = " ".join(descriptions)
    _check(query, strict)
    return query


def _parse_param(value: str, where: str, query: NamedQuery) -> Param:
    import shlex  # here, not at the top: a query without parameters never needs it

    try:
        parts = shlex.split(value)
    except ValueError as error:
        raise EcgkgError(f"{where}: #+ param: {error}") from None
    if len(parts) != 4:
        raise EcgkgError(f'{where}: #+ param: expected NAME TYPE DEFAULT "DESCRIPTION", '
                         f"got {len(parts)} fields")
    name, kind, default, description = parts
    if not NAME_PATTERN.fullmatch(name):
        raise EcgkgError(f"{where}: #+ param: {name!r} is not a variable name")
    if kind not in PARAM_TYPES:
        raise EcgkgError(f"{where}: #+ param {name}: unknown type {kind!r} "
                         f"(one of {', '.join(PARAM_TYPES)})")
    if any(p.name == name for p in query.params):
        raise EcgkgError(f"{where}: #+ param {name}: declared twice")
    if default == UNBOUND:
        return Param(name, kind, None, description)
    try:
        parse_value(kind, default)
    except ValueError as error:
        raise EcgkgError(f"{where}: #+ param {name}: default {default!r}: {error}") from None
    return Param(name, kind, default, description)


def _check(query: NamedQuery, strict: bool) -> None:
    label = display_path(query.path) if query.path else query.name
    kind, keyword = sparql_operation(query.text)
    if kind == "update":
        raise EcgkgError(f"{label}: a SPARQL update ({keyword}), not a query: ecgkg query runs "
                         "queries only, and nothing was run or sent")
    form = query.form
    if form is None:
        raise EcgkgError(f"{label}: no SELECT, CONSTRUCT, DESCRIBE or ASK query found after the "
                         "prologue")
    used = variables_used(query.text)
    for param in query.params:
        if param.name not in used:
            raise EcgkgError(f"{label}: parameter {param.name} is declared but the query "
                             f"never uses ?{param.name}")
    if strict:
        missing = [k for k in ("title", "description") if not getattr(query, k)]
        if form == "SELECT" and not query.columns:
            missing.append("columns")
        if missing:
            raise EcgkgError(f"{label}: header lacks {', '.join('#+ ' + k for k in missing)}")
    if query.columns:
        if form != "SELECT":
            raise EcgkgError(f"{label}: #+ columns: given for a {form} query, which has none")
        projected = select_variables(query.text)
        if projected is not None and projected != query.columns:
            raise EcgkgError(f"{label}: #+ columns: {' '.join(query.columns)} does not match "
                             f"the SELECT clause: {' '.join(projected)}")


def library_path(name: str) -> Path:
    return queries_dir() / f"{name}.rq"


def library() -> list[NamedQuery]:
    """Every bundled query, by name, each header checked."""
    folder = queries_dir()
    paths = sorted(folder.glob("*.rq"))
    if not paths:
        raise EcgkgError(f"{folder}: no queries (*.rq) found; {HOME_HINT}")
    return [load_path(path, strict=True) for path in paths]


def load_path(path: Path, strict: bool = False) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EcgkgError(f"{display_path(path)}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise EcgkgError(f"{display_path(path)}: not UTF-8 text") from None
    return parse_query(text, path.stem, path, strict=strict)


def resolve(reference: str, stdin_text: str | None = None) -> NamedQuery:
    """A query by file path, by name of a bundled query, or `-` for standard input."""
    if reference == "-":
        return parse_query(stdin_text or "", "<stdin>")
    path = Path(reference)
    if path.is_file():
        bundled = path.resolve().parent == (project_root() / "queries").resolve()
        return load_path(path, strict=bundled)
    if NAME_PATTERN.fullmatch(reference.replace("-", "_")) and library_path(reference).is_file():
        return load_path(library_path(reference), strict=True)
    raise EcgkgError(f"{reference}: no such query file, and no bundled query of that name "
                     f"(`ecgkg queries` lists them)")
