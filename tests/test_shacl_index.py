"""The fast validator's Index (ecgkg.shacl.engine): what it answers equals the triples it was
given, whichever way it holds them (one value bare, several in a list, repeats kept)."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal

from ecgkg.shacl.engine import Index, listed

EX = "http://example.org/"
SUBJECTS = [f"{EX}s{i}" for i in range(4)] + ["_:b0"]
PREDICATES = [f"{EX}p{i}" for i in range(3)]
OBJECTS = [f"{EX}o{i}" for i in range(3)] + ["_:b1", Literal("x"), Literal(2)]


def ox_term(key):
    if isinstance(key, Literal):
        return ox.Literal(str(key), datatype=ox.NamedNode(str(key.datatype))) if key.datatype \
            else ox.Literal(str(key))
    if key.startswith("_:"):
        return ox.BlankNode(key[2:])
    return ox.NamedNode(key)


triples = st.lists(st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES),
                             st.sampled_from(OBJECTS)), max_size=40)


def build(given_triples) -> Index:
    index = Index()
    count = index.add([ox.Quad(ox_term(s), ox.NamedNode(p), ox_term(o)) for s, p, o in given_triples],
                      file_index=0)
    assert count == len(given_triples)
    return index


@settings(max_examples=200, deadline=None)
@given(triples)
def test_index_answers_what_it_was_given(given_triples):
    index = build(given_triples)
    distinct = list(dict.fromkeys(given_triples))
    assert sorted(index.triples(), key=str) == sorted(distinct, key=str)
    for s in SUBJECTS:
        for p in PREDICATES:
            # objects(): each distinct object once, in the order first given
            assert index.objects(p, s) == [o for s2, p2, o in distinct if (s2, p2) == (s, p)]
    fresh = build(given_triples)  # objects() drops repeats it reads; the inverse of a fresh one keeps them
    for p in PREDICATES:
        inverse = fresh.op(p)
        for o in OBJECTS:
            wanted = [s for s, p2, o2 in given_triples if (p2, o2) == (p, o)]
            assert sorted(listed(inverse.get(o))) == sorted(wanted)
    assert set(index.subject_in) == {s for s, _, _ in given_triples}


def test_one_value_is_held_bare_and_several_in_a_list():
    index = build([(SUBJECTS[0], PREDICATES[0], OBJECTS[0]),
                   (SUBJECTS[1], PREDICATES[0], OBJECTS[0]),
                   (SUBJECTS[1], PREDICATES[0], OBJECTS[1]),
                   (SUBJECTS[2], PREDICATES[0], OBJECTS[1]),
                   (SUBJECTS[2], PREDICATES[0], OBJECTS[1])])
    held = index.sp[PREDICATES[0]]
    assert held[SUBJECTS[0]] == OBJECTS[0]
    assert held[SUBJECTS[1]] == [OBJECTS[0], OBJECTS[1]]
    assert index.objects(PREDICATES[0], SUBJECTS[2]) == [OBJECTS[1]]
    assert held[SUBJECTS[2]] == OBJECTS[1]  # the repeat is dropped once it is read
    assert listed(None) == () and listed(OBJECTS[0]) == (OBJECTS[0],)


def test_the_file_that_first_types_a_subject():
    index = Index()
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    a, b, c, d = (ox.NamedNode(s) for s in SUBJECTS[:4])
    cls, p = ox.NamedNode(EX + "C"), ox.NamedNode(PREDICATES[0])
    index.add([ox.Quad(a, rdf_type, cls), ox.Quad(b, p, a), ox.Quad(c, p, a)], file_index=0)
    index.add([ox.Quad(b, rdf_type, cls), ox.Quad(a, rdf_type, ox.NamedNode(EX + "D")),
               ox.Quad(d, rdf_type, cls)], file_index=1)
    assert [index.typed_file(s.value) for s in (a, b, c, d)] == [0, 1, None, 1]
    assert [index.subject_in[s.value] for s in (a, b, c, d)] == [0, 0, 0, 1]
    assert index.typed_in == {b.value: 1}  # only where it differs from subject_in


def test_the_store_keeps_literals_in_canonical_form():
    """Why the validator keeps its own index of the data (README, `ecgkg validate`): pyoxigraph's
    store gives literals back in canonical form, so sh:datatype, sh:pattern and sh:in could not
    see the data as written through it. If this fails, the store has become a faithful copy."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    store = ox.Store()
    subject, predicate = ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p")
    for value, datatype in (("03", "integer"), ("1", "boolean"), ("7", "int")):
        store.add(ox.Quad(subject, predicate, ox.Literal(value, datatype=ox.NamedNode(xsd + datatype))))
    kept = {(q.object.value, q.object.datatype.value[len(xsd):]) for q in store}
    assert kept == {("3", "integer"), ("true", "boolean"), ("7", "integer")}
