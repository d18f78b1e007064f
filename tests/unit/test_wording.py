"""The message catalogue's plumbing: the caller's language, texts as data and back, numbers,
dates and lists in each language, and every text of a message rendered in one walk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import events_pb2 as compliance_events
from vigie.contracts.v1 import events_pb2 as contract_events

from services.common import wording
from services.rules.wording import Text, text


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "fr"),
        ("", "fr"),
        ("fr", "fr"),
        ("fr-FR,fr;q=0.9", "fr"),
        ("en", "en"),
        ("en-GB,en;q=0.8,fr;q=0.5", "en"),
        ("fr;q=0.4, en;q=0.9", "en"),
        ("de, en;q=0.1", "en"),
        ("de, es", "fr"),
        ("en;q=nonsense, fr", "fr"),
        ("*", "fr"),
    ],
)
def test_the_callers_language_is_the_first_the_catalogue_has_else_french(header, language):
    assert wording.negotiate(header) == language


def test_french_numbers_dates_lists_and_plurals():
    change = text("error-more-violations", count=1234)
    assert wording.render(change, "fr") == "et 1\u202f234 autres anomalies, non détaillées"
    assert wording.render(change, "en") == "and 1,234 more violations not listed"
    assert wording.render(text("error-more-violations", count=1), "fr") == (
        "et une autre anomalie, non détaillée"
    )
    assert wording._argument(date(2027, 4, 26), "fr") == "26 avril 2027"
    assert wording._argument(("FR", "MA", "TN"), "fr") == "FR, MA et TN"
    assert wording._argument(("FR", "MA", "TN"), "en") == "FR, MA, and TN"


def test_a_person_s_words_are_shown_as_they_are_and_an_unknown_message_never_raises():
    assert wording.render("Motif libre, tel quel", "en") == "Motif libre, tel quel"
    assert wording.render(text("no-such-message", n=1), "en") == "no-such-message"


def test_a_text_refuses_what_would_print_a_wrong_figure():
    with pytest.raises(TypeError):
        text("x", share=0.1)  # a float: the caller gives a Decimal
    with pytest.raises(TypeError):
        text("x", flag=True)
    with pytest.raises(TypeError):
        text("x", thing=object())


arguments = st.recursive(
    st.one_of(
        st.text(max_size=20),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.decimals(allow_nan=False, allow_infinity=False, places=3),
        st.dates(min_value=date(1, 1, 1)),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), inner, max_size=3).map(
            lambda values: text("phrase", **values)
        ),
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), arguments, max_size=5))
def test_a_text_survives_the_proto_and_json_unchanged(values):
    original = text("some-message", **values)
    assert wording.from_proto(wording.to_proto(original)) == original
    assert wording.from_json(wording.to_json(original)) == original


def test_localise_writes_every_text_of_a_message_even_nested_in_an_event():
    finding = pb.Finding(finding_id="f-1", summary="stale words")
    wording.fill(finding, "summary", text("error-not-found", kind="contract", name="'c-1'"))
    wording.fill(finding, "explanation", "words of a person")
    event = compliance_events.FindingRaised(finding=finding)
    assert wording.localise(event, "en").finding.summary == "Contract 'c-1' not found."
    assert wording.localise(event, "fr").finding.summary == "Le contrat 'c-1' est introuvable."
    assert event.finding.explanation == "words of a person"
    assert isinstance(wording.text_of(event.finding, "summary"), Text)
    assert wording.text_of(event.finding, "explanation") == "words of a person"


def test_a_message_type_without_texts_is_not_walked():
    assert wording._plan(contract_events.VolumesReported.DESCRIPTOR) == ((), ())
    texts, children = wording._plan(compliance_events.FindingRaised.DESCRIPTOR)
    assert texts == () and [f.name for f in children] == ["finding"]


def test_decimal_arguments_keep_every_digit():
    original = text("x", share=Decimal("12.50"))
    assert wording.to_proto(original).arguments["share"].decimal == "12.50"
