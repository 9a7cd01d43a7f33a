"""Which predicates a SPARQL query can read, found by reading its patterns (no engine needed).

The fast validator's SPARQL store (ecgkg.shacl.sparql) needs only the statements its queries
can match. When no triple pattern or property path of a query has a variable in predicate
position or a negated property set, a statement whose predicate the query never names cannot
change its answers, so the store is filled without those statements (less memory). What the
query names is read generously: every IRI it writes anywhere (a class or a datatype counts too,
harmlessly), plus rdf:type (`a`), rdf:first and rdf:rest (collections) and rdfs:subClassOf.

The reader follows SPARQL's grammar for groups and triples strictly; anything it does not follow
(BASE, a relative IRI, an unknown prefix, a brace in a projection or after the WHERE group, a
token out of place) makes the answer None: every predicate, so it errs towards keeping
statements, never towards dropping one a query could read.
"""

from __future__ import annotations

import re

from ecgkg.shacl.sparql_query import Token, tokens

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ALWAYS = frozenset({RDF + "type", RDF + "first", RDF + "rest",
                    "http://www.w3.org/2000/01/rdf-schema#subClassOf"})
GROUP_KEYWORDS = {"OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"}
ESCAPE = re.compile(r"\\(.)")


class Unreadable(Exception):
    """The query uses something this reader does not follow, or reads any predicate."""


def predicates_read(text: str) -> frozenset[str] | None:
    """The predicate IRIs the query TEXT can read (a superset), or None if it may read any."""
    try:
        return Reader(tokens(text)).read()
    except (Unreadable, IndexError):
        return None


def predicates_read_by_all(texts) -> frozenset[str] | None:
    """The union of predicates_read over TEXTS, None if one of them may read any."""
    found = set(ALWAYS)
    for text in texts:
        reads = predicates_read(text)
        if reads is None:
            return None
        found |= reads
    return frozenset(found)


def adjacent(before: Token, after: Token) -> bool:
    return after.start == before.start + len(before.text)


class Reader:
    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks + [Token("end", "", -1)]
        self.prefixes: dict[str, str] = {}

    def text(self, i: int) -> str:
        return self.toks[i].text

    def read(self) -> frozenset[str]:
        i = self.prologue(0)
        depth = 0
        while self.text(i) != "{":  # the query form and projection up to the WHERE group
            if self.toks[i].kind == "end":
                raise Unreadable("no WHERE group")
            depth += {"(": 1, ")": -1}.get(self.text(i), 0)
            i += 1
        if depth:
            raise Unreadable("a brace inside the projection")
        i = self.group(i + 1)
        if any(t.text in ("{", "}") for t in self.toks[i:] if t.kind == "other"):
            raise Unreadable("a group after the WHERE group")
        return self.named() | ALWAYS

    def prologue(self, i: int) -> int:
        while self.toks[i].word in ("PREFIX", "BASE"):
            if self.toks[i].word == "BASE":
                raise Unreadable("BASE")
            name, iri = self.toks[i + 1], self.toks[i + 2]
            if name.kind != "name" or not name.text.endswith(":") or iri.kind != "iri":
                raise Unreadable("a PREFIX declaration")
            self.prefixes[name.text[:-1]] = iri.text[1:-1]
            i += 3
        return i

    def named(self) -> set[str]:
        """Every IRI the query writes, prefixed names expanded."""
        found = set()
        for tok in self.toks:
            if tok.kind == "iri":
                iri = tok.text[1:-1]
                if ":" not in iri:
                    raise Unreadable("a relative IRI")
                found.add(iri)
            elif tok.kind == "name" and ":" in tok.text and not tok.text.startswith("_:"):
                prefix, local = tok.text.split(":", 1)
                if prefix not in self.prefixes:
                    raise Unreadable(f"undeclared prefix {prefix}:")
                found.add(self.prefixes[prefix] + ESCAPE.sub(r"\1", local))
        return found

    # ---- groups

    def group(self, i: int) -> int:
        """From just after a '{' to just after its '}'."""
        if self.toks[i].word == "SELECT":
            return self.sub_select(i)
        while True:
            tok = self.toks[i]
            word = tok.word
            if tok.kind == "end":
                raise Unreadable("unbalanced braces")
            if tok.text == "}" and tok.kind == "other":
                return i + 1
            if tok.text == "{" and tok.kind == "other":
                i = self.group(i + 1)
            elif tok.text == "." and tok.kind == "other":
                i += 1
            elif word in ("OPTIONAL", "MINUS"):
                i = self.group(self.brace(i + 1))
            elif word == "UNION":
                i += 1
            elif word == "GRAPH":
                if self.toks[i + 1].kind not in ("var", "iri", "name"):
                    raise Unreadable("GRAPH")
                i = self.group(self.brace(i + 2))
            elif word == "FILTER":
                i = self.constraint(i + 1)
            elif word == "BIND":
                i = self.expression(i + 1)
            elif word == "VALUES":
                i = self.values(i + 1)
            elif word in GROUP_KEYWORDS:
                raise Unreadable(word)
            else:
                i = self.triples(i)
                after = self.toks[i]
                if not (after.kind == "other" and after.text in (".", "}", "{")
                        or after.word in GROUP_KEYWORDS):
                    raise Unreadable("a token after a triple pattern")

    def brace(self, i: int) -> int:
        if self.text(i) != "{":
            raise Unreadable("a group was expected")
        return i + 1

    def sub_select(self, i: int) -> int:
        depth = 0
        while self.text(i) != "{" or self.toks[i].kind != "other":
            if self.toks[i].kind == "end":
                raise Unreadable("a sub-select without a group")
            depth += {"(": 1, ")": -1}.get(self.text(i), 0)
            i += 1
        if depth:
            raise Unreadable("a brace inside a sub-select's projection")
        i = self.group(i + 1)
        while self.text(i) != "}":  # GROUP BY, HAVING, ORDER BY, LIMIT ... up to its brace
            if self.text(i) == "{" or self.toks[i].kind == "end":
                raise Unreadable("a group among a sub-select's modifiers")
            i += 1
        return i + 1

    def constraint(self, i: int) -> int:
        """A FILTER's constraint: a bracketed expression, a call, or [NOT] EXISTS { }."""
        word = self.toks[i].word
        if word == "NOT" and self.toks[i + 1].word == "EXISTS":
            return self.group(self.brace(i + 2))
        if word == "EXISTS":
            return self.group(self.brace(i + 1))
        if self.text(i) == "(":
            return self.expression(i)
        if self.toks[i].kind in ("name", "iri") and self.text(i + 1) == "(":
            return self.expression(i + 1)
        raise Unreadable("FILTER")

    def expression(self, i: int) -> int:
        """From a '(' to just after its ')'; EXISTS groups inside are read as groups."""
        if self.text(i) != "(":
            raise Unreadable("an expression was expected")
        depth = 0
        while True:
            tok = self.toks[i]
            if tok.kind == "end":
                raise Unreadable("unbalanced parentheses")
            if tok.kind == "other" and tok.text == "(":
                depth += 1
            elif tok.kind == "other" and tok.text == ")":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif tok.kind == "other" and tok.text == "{":
                i = self.group(i + 1)
                continue
            i += 1

    def values(self, i: int) -> int:
        """A VALUES data block: no patterns, skipped."""
        while self.text(i) != "{":
            if self.toks[i].kind == "end":
                raise Unreadable("VALUES")
            i += 1
        while self.text(i) != "}":
            if self.toks[i].kind == "end":
                raise Unreadable("VALUES")
            i += 1
        return i + 1

    # ---- triples

    def triples(self, i: int) -> int:
        tok = self.toks[i]
        if tok.text == "[" and tok.kind == "other":
            i = self.blank_node(i)
            return self.property_list(i) if self.starts_verb(i) else i
        if tok.text == "(" and tok.kind == "other":
            i = self.collection(i)
            return self.property_list(i) if self.starts_verb(i) else i
        return self.property_list(self.term(i))

    def starts_verb(self, i: int) -> bool:
        tok = self.toks[i]
        return tok.kind in ("var", "iri") or (tok.kind == "name" and (
            ":" in tok.text or tok.text == "a")) or (
            tok.kind == "other" and tok.text in ("^", "!", "("))

    def property_list(self, i: int) -> int:
        while True:
            i = self.object_list(self.path(i))
            if self.text(i) != ";":
                return i
            while self.text(i) == ";":
                i += 1
            if not self.starts_verb(i):
                return i

    def separated(self, i: int, item, separator: str) -> int:
        """ITEM, then ITEM again after each SEPARATOR (a path's | and /, an object list's ,)."""
        i = item(i)
        while self.text(i) == separator:
            i = item(i + 1)
        return i

    def path(self, i: int) -> int:
        return self.separated(i, self.path_sequence, "|")

    def path_sequence(self, i: int) -> int:
        return self.separated(i, self.path_element, "/")

    def path_element(self, i: int) -> int:
        if self.text(i) == "^":
            i += 1
        tok = self.toks[i]
        # a predicate is an IRI, `a` or a bracketed path: a variable or a negated property set
        # (!) may match any predicate
        if tok.kind == "iri" or (tok.kind == "name" and (":" in tok.text or tok.text == "a")):
            i += 1
        elif tok.kind == "other" and tok.text == "(":
            i = self.path(i + 1)
            if self.text(i) != ")":
                raise Unreadable("a property path")
            i += 1
        else:
            raise Unreadable("a variable, a negated property set or no predicate")
        if self.toks[i].kind == "other" and self.text(i) in ("*", "+", "?"):
            i += 1
        return i

    def object_list(self, i: int) -> int:
        return self.separated(i, self.graph_node, ",")

    def graph_node(self, i: int) -> int:
        tok = self.toks[i]
        if tok.kind == "other" and tok.text == "[":
            return self.blank_node(i)
        if tok.kind == "other" and tok.text == "(":
            return self.collection(i)
        return self.term(i)

    def blank_node(self, i: int) -> int:
        i += 1
        if self.text(i) != "]":
            i = self.property_list(i)
        if self.text(i) != "]":
            raise Unreadable("a blank node property list")
        return i + 1

    def collection(self, i: int) -> int:
        i += 1
        while self.text(i) != ")":
            if self.toks[i].kind == "end":
                raise Unreadable("a collection")
            i = self.graph_node(i)
        return i + 1

    def term(self, i: int) -> int:
        """A variable, IRI, prefixed name, literal or blank node label."""
        tok = self.toks[i]
        if tok.kind in ("var", "iri"):
            return i + 1
        if tok.kind == "name":
            if ":" in tok.text or tok.text in ("true", "false"):
                return i + 1
            raise Unreadable(f"{tok.text} where a term was expected")
        if tok.kind == "string":
            i += 1
            if self.text(i) == "@" and self.toks[i + 1].kind == "name":
                return i + 2
            if self.text(i) == "^" and self.text(i + 1) == "^":
                if self.toks[i + 2].kind not in ("iri", "name"):
                    raise Unreadable("a datatype")
                return i + 3
            return i
        if tok.kind == "other" and (tok.text.isdigit() or tok.text in "+-."):
            return self.number(i)
        raise Unreadable(f"{tok.text} where a term was expected")

    def number(self, i: int) -> int:
        """A numeric literal, which the tokenizer cuts into characters and words."""
        toks = self.toks
        start = i
        if toks[i].text in "+-":
            i += 1
        digits = 0
        while True:
            tok = toks[i]
            if i > start and not adjacent(toks[i - 1], tok):
                break
            if tok.kind == "other" and tok.text.isdigit():
                digits += 1
                i += 1
            elif (tok.kind == "other" and tok.text == "." and toks[i + 1].kind == "other"
                  and toks[i + 1].text.isdigit() and adjacent(tok, toks[i + 1])):
                i += 1
            elif tok.kind == "name" and re.fullmatch(r"[eE]\d*", tok.text) and digits:
                i += 1
                if tok.text in ("e", "E") and toks[i].text in "+-" and adjacent(tok, toks[i]):
                    i += 1
            else:
                break
        if not digits:
            raise Unreadable("a number")
        return i


# ------------------------------------------------------------------------ N-Triples text


def predicate_tokens(reads: frozenset[str]) -> frozenset[bytes]:
    """The predicates READS as N-Triples writes them: <IRI> in UTF-8."""
    return frozenset(b"<" + iri.encode("utf-8") + b">" for iri in reads)


def statements_read(text: bytes, tokens: frozenset[bytes]) -> bytes:
    """The lines of N-Triples TEXT (whole lines) that a query reading only the predicates
    TOKENS (predicate_tokens) may need: every line but those that are surely a statement of
    another predicate. Surely means written plainly: a subject IRI, one space, a predicate IRI
    without escapes, one space. Any other line is kept (comments, tabs, several spaces, \\u
    escapes, blank lines): a line kept that no query reads costs memory, a line dropped that
    one reads would lose a result. The parse that builds the index reads the file whole and
    reports its syntax errors."""
    return b"\n".join([
        line for line in text.split(b"\n")
        if (token := line.partition(b" ")[2].partition(b" ")[0]) in tokens
        or not _surely_another_predicate(line, token)
    ])


def _surely_another_predicate(line: bytes, token: bytes) -> bool:
    if token[:1] != b"<" or token.find(b">") != len(token) - 1 or b"\\" in token:
        return False
    subject = line[:line.find(b" ")]
    return subject[:1] == b"<" and subject.find(b">") == len(subject) - 1
