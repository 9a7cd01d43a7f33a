"""How a SPARQL-based constraint's query uses its pre-bound variables, found by parsing it.

SHACL pre-binds $this (and $currentShape, $shapesGraph) in every scope of the query. The fast
path runs a query once over the whole graph with the focus nodes joined in at the top of its
WHERE group: the same answers only where a join binds the variable, that is in triple patterns
(at any depth of plain, UNION, OPTIONAL and EXISTS groups), and in FILTER and BIND expressions of
the top group or directly of a top OPTIONAL (whose condition sees the outer solution). Anything
else needs per-focus-node evaluation. Queries SHACL forbids with pre-binding (MINUS, SERVICE,
VALUES, `AS $this`, a sub-select that does not return the pre-bound variables) are failures.

The query is tokenised (strings, IRIs, comments and variables as SPARQL defines them) and its
groups read recursively: no keyword is ever searched for in the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\''(?:[^'\\]|\\.|'(?!''))*'\'\''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w\u00B7-\uFFFF-]*(?:\.[\w\u00B7-\uFFFF-]+)*
              (?::(?:[\w:%\u00B7-\uFFFF-]|\\.)*(?:\.(?:[\w:%\u00B7-\uFFFF-]|\\.)+)*)?
            | :(?:[\w:%\u00B7-\uFFFF-]|\\.)*(?:\.(?:[\w:%\u00B7-\uFFFF-]|\\.)+)*)
  | (?P<other>.)
''', re.VERBOSE | re.DOTALL)

PREBOUND = ("this", "currentShape", "shapesGraph")
FORBIDDEN = {"MINUS": "MINUS", "SERVICE": "SERVICE (a federated query)", "VALUES": "VALUES"}


class QuerySyntaxError(ValueError):
    """The query text cannot be read (unbalanced braces, no WHERE group)."""


@dataclass
class Token:
    kind: str
    text: str
    start: int

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "name" else ""


@dataclass
class Analysis:
    """What the parse found."""

    where: int  # offset of the top WHERE group's opening brace in the text
    projection_at: int = 0  # offset where the top SELECT's projection starts
    projects: set[str] = field(default_factory=set)  # projected variables ("*" for SELECT *)
    mentioned: set[str] = field(default_factory=set)  # every variable of the query
    unsafe: list[str] = field(default_factory=list)  # why one pass over the graph would differ
    failures: list[str] = field(default_factory=list)  # why SHACL forbids the query


def tokens(text: str) -> list[Token]:
    found = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        found.append(Token("var" if kind == "var" else kind, value[1:] if kind == "var" else value,
                           match.start()))
    return found


def analyse(text: str, prebound: tuple[str, ...] = PREBOUND) -> Analysis:
    """Read a SELECT or ASK query; see the module docstring."""
    toks = tokens(text)
    words = [t.word for t in toks]
    start = next((i for i, w in enumerate(words) if w in ("SELECT", "ASK")), None)
    if start is None:
        raise QuerySyntaxError("no SELECT or ASK")
    brace = next((i for i in range(start, len(toks)) if toks[i].text == "{"), None)
    if brace is None:
        raise QuerySyntaxError("no WHERE group")
    analysis = Analysis(where=toks[brace].start)
    first = start + 1
    while first < brace and toks[first].word in ("DISTINCT", "REDUCED"):
        first += 1
    analysis.projection_at = toks[first].start if first < len(toks) else len(text)
    analysis.mentioned = {t.text for t in toks if t.kind == "var"}
    analysis.projects = projection(toks[start + 1:brace], analysis, prebound)
    # Solution modifiers after the group (ORDER BY, LIMIT, ...) do not touch pre-binding.
    Reader(toks, analysis, prebound).group(brace + 1, ("top",))
    return analysis


def projection(toks: list[Token], analysis: Analysis, prebound: tuple[str, ...]) -> set[str]:
    """The variables a SELECT clause returns; `(expr AS ?v)` for a pre-bound ?v is a failure."""
    found: set[str] = set()
    for i, tok in enumerate(toks):
        if tok.text == "*" and tok.kind == "other":
            found.add("*")
        elif tok.kind == "var":
            if i > 0 and toks[i - 1].word == "AS":
                if tok.text in prebound:
                    analysis.failures.append(f"assigns the pre-bound ${tok.text} with AS")
                continue
            depth = sum(1 if t.text == "(" else -1 if t.text == ")" else 0 for t in toks[:i])
            if depth == 0:
                found.add(tok.text)
    return found


class Reader:
    """Reads the groups of a query, recording each pre-bound variable's scope."""

    def __init__(self, toks: list[Token], analysis: Analysis, prebound: tuple[str, ...]) -> None:
        self.toks = toks
        self.analysis = analysis
        self.prebound = prebound
        self.triple_tokens: set[int] = set()

    def group(self, i: int, scope: tuple[str, ...]) -> int:
        """Read a group from token I (just after its '{') to its '}'; the index after it.

        A FILTER sees every solution of its group, a BIND the patterns before it: below the top
        group, they see a pre-bound variable only where a triple pattern of that same group
        binds it (for a BIND, before it)."""
        toks = self.toks
        if i < len(toks) and toks[i].word == "SELECT":
            return self.sub_select(i, scope)
        direct: set[str] = set()  # pre-bound variables of this group's own triple patterns
        filtered: list[str] = []
        while i < len(toks):
            tok = toks[i]
            word = tok.word
            if tok.text == "}":
                for name in filtered:
                    if name not in direct:
                        self.expression_scope(name, scope, "FILTER")
                return i + 1
            if word in FORBIDDEN:
                self.analysis.failures.append(f"uses {FORBIDDEN[word]}")
            if tok.text == "{":
                i = self.group(i + 1, scope + ("group",))
            elif word == "OPTIONAL":
                i = self.group(self.expect_brace(i + 1), scope + ("optional",))
            elif word in ("MINUS", "GRAPH", "SERVICE"):
                j = i + 1
                while j < len(toks) and toks[j].text != "{":
                    j += 1
                i = self.group(j + 1, scope + (word.lower(),))
            elif word == "VALUES":
                i = self.skip_values(i + 1)
            elif word in ("FILTER", "BIND"):
                i, used = self.expression(i + 1, scope, word)
                if word == "FILTER":
                    filtered.extend(used)
                else:
                    for name in used - direct:
                        self.expression_scope(name, scope, "BIND")
            else:
                if tok.kind == "var":
                    self.triple_tokens.add(i)
                    if tok.text in self.prebound:
                        self.triple_scope(scope)
                        direct.add(tok.text)
                i += 1
        raise QuerySyntaxError("unbalanced braces")

    def expect_brace(self, i: int) -> int:
        if i >= len(self.toks) or self.toks[i].text != "{":
            raise QuerySyntaxError("a group was expected")
        return i + 1

    def expression(self, i: int, scope: tuple[str, ...], keyword: str) -> tuple[int, set[str]]:
        """A FILTER or BIND expression: the index after it and the pre-bound variables it
        uses itself (EXISTS groups inside are read as groups)."""
        toks = self.toks
        used: set[str] = set()
        depth = 0
        while i < len(toks):
            tok = toks[i]
            if tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
                if depth <= 0:
                    return i + 1, used
            elif tok.text == "{":
                i = self.group(i + 1, scope + ("exists",))
                if depth == 0:
                    return i, used  # FILTER EXISTS { ... } / FILTER NOT EXISTS { ... }
                continue
            elif tok.kind == "var" and tok.text in self.prebound:
                if keyword == "BIND" and i > 0 and toks[i - 1].word == "AS":
                    self.analysis.failures.append(f"assigns the pre-bound ${tok.text} with AS")
                else:
                    used.add(tok.text)
            i += 1
        raise QuerySyntaxError("unbalanced parentheses")

    def skip_values(self, i: int) -> int:
        toks = self.toks
        while i < len(toks) and toks[i].text != "{":
            i += 1
        depth = 0
        while i < len(toks):
            if toks[i].text == "{":
                depth += 1
            elif toks[i].text == "}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise QuerySyntaxError("unbalanced braces")

    def sub_select(self, i: int, scope: tuple[str, ...]) -> int:
        toks = self.toks
        brace = next((j for j in range(i, len(toks)) if toks[j].text == "{"), None)
        if brace is None:
            raise QuerySyntaxError("a sub-select without a WHERE group")
        returned = projection(toks[i + 1:brace], self.analysis, self.prebound)
        first = len(self.analysis.unsafe)
        inner_scope = scope + ("select",)
        end = self.group(brace + 1, inner_scope)
        for name in self.prebound:
            if name not in self.analysis.mentioned:
                continue
            if name in returned or ("*" in returned and name in self.in_triples(brace, end)):
                continue
            self.analysis.failures.append(f"a sub-select does not return the pre-bound ${name}")
        if len(self.analysis.unsafe) == first and any(
                t.kind == "var" and t.text in self.prebound for t in toks[i:end]):
            self.analysis.unsafe.append("a pre-bound variable inside a sub-select")
        # the sub-select's closing brace is the group's: skip modifiers up to it
        depth = 0
        j = end
        while j < len(toks):
            if toks[j].text == "{":
                depth += 1
            elif toks[j].text == "}":
                if depth == 0:
                    return j + 1
                depth -= 1
            j += 1
        raise QuerySyntaxError("unbalanced braces")

    def in_triples(self, start: int, end: int) -> set[str]:
        """The variables of triple patterns between two tokens (what SELECT * returns)."""
        return {self.toks[k].text for k in self.triple_tokens if start <= k < end}

    def triple_scope(self, scope: tuple[str, ...]) -> None:
        """A pre-bound variable in a triple pattern: a join binds it, except in a sub-select
        (its own scope), MINUS or SERVICE."""
        inner = scope[1:]
        if "select" in inner:
            self.unsafe("a pre-bound variable inside a sub-select")
        elif "minus" in inner or "service" in inner:
            self.unsafe("a pre-bound variable inside MINUS or SERVICE")

    def expression_scope(self, name: str, scope: tuple[str, ...], keyword: str) -> None:
        """A pre-bound variable in a FILTER or BIND that no triple pattern of its group binds:
        the top group is joined with the focus nodes first, and a FILTER directly in a top
        OPTIONAL is its condition (it sees the outer solution); elsewhere it is unbound."""
        inner = scope[1:]
        if not inner or (inner == ("optional",) and keyword == "FILTER"):
            return
        self.triple_scope(scope)
        self.unsafe(f"${name} in a {keyword} below the top group ({' > '.join(inner)})")

    def unsafe(self, reason: str) -> None:
        if reason not in self.analysis.unsafe:
            self.analysis.unsafe.append(reason)


def template(text: str, names: tuple[str, ...]) -> list:
    """TEXT cut at each use of the pre-bound variables NAMES, for substitute(): a list of text
    pieces and (name, how) holes, how being "term" (the value's SPARQL form), "bound" (a whole
    BOUND($name) call, true once pre-bound) or "drop" (a bare projected variable; a projection
    left empty projects a constant instead, so each solution is still one row)."""
    toks = tokens(text)
    pieces: list = []
    at = 0
    projection = False
    kept = depth = 0  # projection items kept; parentheses within a projection
    skip_to = -1
    for i, tok in enumerate(toks):
        if i <= skip_to:
            continue
        word = tok.word
        if word == "SELECT":
            projection, kept, depth = True, 0, 0
            continue
        if projection:
            if tok.text == "{" or word == "WHERE":
                projection = False
                if not kept:
                    pieces.append(text[at:tok.start] + f"(1 AS ?ecgkg_row{len(pieces)}) ")
                    at = tok.start
            elif tok.text == "(":
                depth += 1
            elif tok.text == ")":
                depth -= 1
            if projection and word not in ("DISTINCT", "REDUCED") and not (
                    tok.kind == "var" and tok.text in names and depth == 0):
                kept += 1
        if tok.kind != "var" or tok.text not in names:
            continue
        if (i >= 2 and toks[i - 1].text == "(" and toks[i - 2].word == "BOUND"
                and i + 1 < len(toks) and toks[i + 1].text == ")"):
            pieces.append(text[at:toks[i - 2].start])
            pieces.append((tok.text, "bound"))
            at = toks[i + 1].start + 1
            skip_to = i + 1
        else:
            pieces.append(text[at:tok.start])
            pieces.append((tok.text, "drop" if projection and depth == 0 else "term"))
            at = tok.start + len(tok.text) + 1
    pieces.append(text[at:])
    return pieces


def substitute(pieces: list, values: dict[str, str]) -> str:
    """The query of template() with each pre-bound variable replaced by VALUES[name] (SPARQL
    term text), as SHACL's pre-binding defines it."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        name, how = piece
        out.append(values[name] if how == "term" else "(true)" if how == "bound" else "")
    return "".join(out)
