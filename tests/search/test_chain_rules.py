"""The search chain and text folding on their own, without HTTP."""
from werkzeug.datastructures import MultiDict

from app.core.search.chain import Chain, Step, parse_chain
from app.core.search.fields import DateField, NumberField, TextField
from app.core.search.text import fold, prefix_upper_bound
from app.registry.models import Company

FIELDS = {f.key: f for f in (
    NumberField("number", "Nummer", Company.number),
    TextField("place", "Plaats", Company.place_key),
    DateField("last_visit", "Laatste bezoek", Company.last_visit_date),
)}


def parse(query):
    from urllib.parse import parse_qsl

    return parse_chain(MultiDict(parse_qsl(query)), FIELDS, "number")


def test_fold_lowercases_strips_accents_and_writes_ij_as_y():
    assert fold("IJmuiden") == "ymuiden"
    assert fold("Noordwijkerhout") == fold("Noordwykerhout") == "noordwykerhout"
    assert fold("  Café  de  Jong ") == "cafe de jong"


def test_prefix_upper_bound():
    assert prefix_upper_bound("jan") == "jao"
    assert prefix_upper_bound("az") == "a{"


def test_chain_round_trips_through_the_url():
    chain = Chain(steps=(Step("last_visit", "le", "01-01-2003"), Step("place", "eq", "Noordwijkerhout", "and"),
                         Step("number", "ge", "100", "or")),
                  active_only=False, sort="place", descending=True, page=3, page_size=50)
    assert parse(chain.to_args()) == chain


def test_removing_the_first_step_makes_the_next_one_the_start():
    chain = parse("f0=place&v0=Rijnsburg&m1=or&f1=place&v1=Sassenheim")
    rest = chain.without_step(0)
    assert rest.steps == (Step("place", "eq", "Sassenheim", "and"),)


def test_bad_input_becomes_dutch_errors_not_exceptions():
    cases = {
        "f0=onbekend&v0=1": "Onbekend zoekveld",
        "f0=place&o0=lt&v0=Leiden": "tekstveld",
        "f0=last_visit&v0=31-02-2003": "geen geldige datum",
        "f0=number&v0=%27%3B%20drop%20table%20company": "getal",
        "f0=place&v0=" + "x" * 10_000: "hoogstens",
        "f0=number&o0=%3C%3E%3C&v0=1": "Onbekende vergelijking",
        "sort=wachtwoord": "gesorteerd",
    }
    for query, message in cases.items():
        chain = parse(query)
        assert any(message in error for error in chain.errors), (query, chain.errors)
        assert chain.steps == ()


def test_a_chain_of_50_steps_is_refused_beyond_20():
    query = "&".join(f"f{i}=number&v{i}={i}" + (f"&m{i}=or" if i else "") for i in range(50))
    chain = parse(query)
    assert len(chain.steps) == 20
    assert any("hoogstens 20" in error for error in chain.errors)


def test_page_and_size_are_clamped():
    chain = parse("page=-5&psize=33")
    assert chain.page == 1 and chain.page_size == 25
    assert parse("psize=100000").page_size == 100
    assert parse("page=abc").page == 1
