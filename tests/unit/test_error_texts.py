"""What a caller reads in an error is the catalogue's: every field rule of our protos has
French words with the rule's figures, a rule the catalogue does not know keeps the library's
English words, and the token, role, lifecycle and availability refusals are texts rendered in
the caller's language (French by default), their codes and subjects unchanged."""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import grpc
import jwt
import protovalidate
import pytest
from buf.validate import validate_pb2
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from vigie.compliance.v1 import compliance_pb2 as cmp
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.labels.v1 import labels_pb2 as lpb
from vigie.notices.v1 import notices_pb2 as npb

from services.common import identity, validation, wording
from services.common.errors import FailedPrecondition, PermissionDenied, Unauthenticated
from services.compliance.monitor import lifecycle
from services.rules import Violation
from services.rules.wording import Text, text

GEN = Path(__file__).parents[2] / "gen" / "vigie"
KEY = "a-test-key-of-sufficient-length-for-hs256"


# ---- every rule id our protos can raise has French words


def our_messages() -> Iterator[Descriptor]:
    """Every message type of our protos (vigie.*), nested ones included."""
    for path in sorted(GEN.rglob("*_pb2.py")):
        module = ".".join(path.relative_to(GEN.parent).with_suffix("").parts)
        stack = list(importlib.import_module(module).DESCRIPTOR.message_types_by_name.values())
        while stack:
            descriptor = stack.pop()
            stack.extend(descriptor.nested_types)
            yield descriptor


def field_rule_ids(rules: Message) -> Iterator[tuple[str, bool]]:
    """(rule id, custom?) of every rule a buf.validate.FieldRules sets: a standard rule yields
    every id its CEL may raise (a `gte` also raises "gte_lte" when a `lte` is set), as the
    library declares them on the rule (buf.validate.predefined)."""
    if rules.required:
        yield "required", False
    for rule in rules.cel:
        yield rule.id, True
    kind = rules.WhichOneof("type")
    if kind is None:
        return
    for field, setting in getattr(rules, kind).ListFields():
        if field.name in ("items", "keys", "values"):
            yield from field_rule_ids(setting)
            continue
        declared = field.GetOptions().Extensions[validate_pb2.predefined].cel
        yield from (
            ((rule.id, False) for rule in declared)
            if declared
            else [(f"{kind}.{field.name}", False)]
        )


def our_rule_ids() -> set[tuple[str, bool]]:
    found = set()
    for descriptor in our_messages():
        found |= {
            (rule.id, True) for rule in descriptor.GetOptions().Extensions[validate_pb2.message].cel
        }
        for oneof in descriptor.oneofs:
            if oneof.GetOptions().Extensions[validate_pb2.oneof].required:
                found.add(("required", False))
        for field in descriptor.fields:
            found |= set(field_rule_ids(field.GetOptions().Extensions[validate_pb2.field]))
    return found


RULE_IDS = sorted(our_rule_ids())


def test_the_walk_finds_the_rules_of_our_protos():
    ids = {rule_id for rule_id, _ in RULE_IDS}
    # Standard, combined, nested in `items`, a oneof's, and our own.
    assert {
        "string.max_len",
        "uint64.gte_lte",
        "enum.defined_only",
        "string.pattern",
        "timestamp.gte_lt",
        "bool.const",
        "required",
        "lead_time.unit",
        "owner_ordering_party_id.integrated",
    } <= ids


@pytest.mark.parametrize(("rule_id", "custom"), RULE_IDS)
def test_every_rule_of_our_protos_has_french_words(rule_id, custom):
    if custom:
        words = validation.custom_text(rule_id)
        assert words is not None, f"no text for our rule {rule_id!r}"
        message = words.message
    else:
        message = validation.rule_message(rule_id)
    assert wording.has_message(message, "fr"), f"{rule_id}: no message {message!r}"


# ---- what a violation says, with the rule's figures


def violation_of(request: Message, field: str) -> Violation:
    found = [v for v in validation.violations(request) if v.field == field]
    assert len(found) == 1, validation.violations(request)
    return found[0]


def test_a_combined_bound_gives_both_figures():
    problem = violation_of(cpb.SubmitBidRequest(tender_id="x", price_cents=0), "price_cents")
    assert isinstance(problem.reason, Text)
    assert problem.reason.message == "validation-number-gte-lte"
    assert (problem.reason.values["gte"], problem.reason.values["lte"]) == (1, 100_000_000)
    assert wording.render(problem.reason, "fr") == (
        "La valeur doit être comprise entre 1 et 100\u202f000\u202f000, bornes incluses."
    )
    # English callers read protovalidate's own words, as before.
    assert wording.render(problem.reason, "en") == (
        "must be greater than or equal to 1 and less than or equal to 100000000"
    )


@pytest.mark.parametrize(
    ("request_", "field", "french"),
    [
        (
            lpb.RegisterCentreRequest(centre_id="ab", name="n", kind=2, sites=[lpb.Site()]),
            "centre_id",
            "La valeur ne respecte pas le format attendu (expression régulière"
            " « ^[a-z0-9][a-z0-9-]{2,62}$ »).",
        ),
        (
            cmp.ContestFindingRequest(grounds="court"),
            "grounds",
            "La valeur doit comporter au moins 20 caractères.",
        ),
        (cmp.ContestFindingRequest(), "finding_id", "La valeur est vide : un UUID est attendu."),
        (cpb.GetTenderRequest(tender_id="x"), "tender_id", "La valeur doit être un UUID valide."),
        (
            cmp.ListFindingsRequest(filter=cmp.FindingFilter(types=[0])),
            "filter.types[0]",
            "La valeur ne doit pas être FINDING_TYPE_UNSPECIFIED (0).",
        ),
        (
            cmp.ListFindingsRequest(filter=cmp.FindingFilter(types=[99])),
            "filter.types[0]",
            "La valeur 99 ne figure pas parmi les valeurs définies de l'énumération FindingType.",
        ),
        (
            cmp.ListFindingsRequest(filter=cmp.FindingFilter(since=Timestamp(seconds=1))),
            "filter.since",
            "L'horodatage doit être au plus tôt le 1 janvier 2000 à 0 h 00 et antérieur au"
            " 1 janvier 2101 à 0 h 00 (temps universel).",
        ),
        (
            cmp.ContestFindingRequest(attachments=["a"] * 11),
            "attachments",
            "La liste doit comporter au plus 10 éléments.",
        ),
        (
            cpb.SubmitBidRequest(tender_id="x", price_cents=1),
            "sites",
            "La liste doit comporter au moins 1 élément.",
        ),
        (npb.IssueWorkloadChangeRequest(), "change", "Ce champ est obligatoire."),
        (
            npb.WorkloadChange(termination=False),
            "termination",
            "La valeur doit être « true ».",
        ),
        (
            npb.WorkloadChange(change_percent=-101),
            "change_percent",
            "La valeur doit être comprise entre -100 et 1\u202f000, bornes incluses.",
        ),
        (
            cpb.NoticeBand(lead_time=800, unit=cpb.LEAD_TIME_UNIT_BUSINESS_DAYS),
            "lead_time",
            "Le délai de prévenance est de 3 ans au plus : 1\u202f096 jours calendaires,"
            " 783 jours ouvrés ou 36 mois.",
        ),
        (
            lpb.RegisterCentreRequest(
                centre_id="ctr-1", name="n", kind=lpb.CENTRE_KIND_INTEGRATED, sites=[lpb.Site()]
            ),
            "owner_ordering_party_id",
            "Un centre intégré doit nommer le donneur d'ordre qui le détient ; un centre"
            " externalisé n'en nomme aucun.",
        ),
    ],
)
def test_a_field_rule_in_french(request_, field, french):
    assert wording.render(violation_of(request_, field).reason, "fr") == french


def test_a_rule_inside_a_list_item_gives_its_figures_and_the_items_path():
    terms = cpb.TenderTerms(allowed_site_countries=["FR", "fr"])
    problem = violation_of(
        cpb.RegisterTenderRequest(terms=terms), "terms.allowed_site_countries[1]"
    )
    assert problem.reason == text("validation-string-pattern", pattern="^[A-Z]{2}$")


def test_a_rule_the_catalogue_does_not_know_keeps_the_librarys_words():
    unknown = protovalidate.Violation(
        rule_id="string.email",
        message="value must be a valid email address",
        field=protovalidate.FieldPathPb(
            elements=[protovalidate.FieldPathElementPb(field_number=2, field_name="name")]
        ),
        rule=protovalidate.FieldPathPb(
            elements=[
                protovalidate.FieldPathElementPb(field_name="string"),
                protovalidate.FieldPathElementPb(field_name="email"),
            ]
        ),
    )
    found = validation._violation(unknown, lpb.RegisterCentreRequest.DESCRIPTOR, "", {})
    assert found == Violation("name", "value must be a valid email address")


def test_a_rule_whose_figures_cannot_be_read_keeps_the_librarys_words():
    odd = protovalidate.Violation(
        rule_id="string.min_len",
        message="must be at least 1 characters",
        field=protovalidate.FieldPathPb(
            elements=[protovalidate.FieldPathElementPb(field_number=2, field_name="name")]
        ),
        rule=protovalidate.FieldPathPb(
            elements=[
                protovalidate.FieldPathElementPb(field_name="string"),
                protovalidate.FieldPathElementPb(field_name="no_such_rules"),
                protovalidate.FieldPathElementPb(field_name="min_len"),
            ]
        ),
    )
    found = validation._violation(odd, lpb.RegisterCentreRequest.DESCRIPTOR, "", {})
    assert found == Violation("name", "must be at least 1 characters")


@pytest.mark.parametrize(
    ("rule_id", "message"),
    [
        ("uint32.lte", "validation-number-lte"),
        ("int64.gte_lte", "validation-number-gte-lte"),
        ("double.gt_lt_exclusive", "validation-number-gt-lt-exclusive"),
        ("timestamp.gte_lt", "validation-timestamp-gte-lt"),
        ("repeated.unique", "validation-repeated-unique"),
        ("required", "validation-required"),
    ],
)
def test_rule_ids_name_their_message(rule_id, message):
    assert validation.rule_message(rule_id) == message


def test_an_events_own_id_rule_names_the_field():
    words = validation.custom_text("notice.contract_id.required")
    assert words == text("validation-event-id-required", field="notice.contract_id", max_len=256)
    assert wording.render(words, "fr") == (
        "Le champ notice.contract_id est obligatoire (de 1 à 256 caractères)."
    )


# ---- who calls


def refusal(metadata: tuple) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as refused:
        identity.from_metadata(KEY, metadata)
    return refused.value


def bearer(token: str) -> tuple:
    return (("authorization", f"Bearer {token}"),)


def test_token_refusals_in_french():
    missing = refusal(())
    assert (missing.reason, missing.words) == ("TOKEN_MISSING", text("error-token-missing"))
    assert wording.render(missing.words, "fr") == (
        "L'appel ne porte pas de métadonnée « authorization: Bearer <jeton> »."
    )
    expired = refusal(bearer(identity.mint(KEY, identity.Role.OPS, "o", ttl=-10)))
    assert expired.reason == "TOKEN_EXPIRED"
    assert wording.render(expired.words, "fr") == "Le jeton d'accès a expiré."
    other_key = "another-key-entirely-of-sufficient-length"
    forged = refusal(bearer(identity.mint(other_key, identity.Role.OPS, "o")))
    assert forged.words == text("error-token-invalid", why=text("error-token-signature"))
    assert wording.render(forged.words, "fr") == (
        "Le jeton d'accès n'est pas valide : sa signature n'est pas reconnue."
    )
    assert wording.render(forged.words, "en") == (
        "the bearer token is not valid: Signature verification failed"
    )


@pytest.mark.parametrize(
    ("claims", "french"),
    [
        (
            {"role": "king"},
            "le rôle 'king' n'existe pas (rôles : ordering_party, centre, committee et ops)",
        ),
        ({"org": "o" * 500}, "l'organisation (org) doit compter de 1 à 128 caractères imprimables"),
        ({"exp": 4_000_000_000}, "un jeton ne peut être valable plus de 24 heures"),
        ({"sub": None}, "l'attribut « sub » manque"),
        ({"iss": "someone"}, "il n'a pas été émis par vigie"),
    ],
)
def test_vigies_own_token_reasons_in_french(claims, french):
    now = int(time.time())
    base = {"iss": "vigie", "sub": "x", "role": "ops", "org": "o", "iat": now, "exp": now + 60}
    token = jwt.encode(
        {k: v for k, v in (base | claims).items() if v is not None}, KEY, algorithm="HS256"
    )
    refused = refusal(bearer(token))
    assert refused.reason == "TOKEN_INVALID"
    assert wording.render(refused.words, "fr") == f"Le jeton d'accès n'est pas valide : {french}."


def test_a_role_or_an_organisation_refused_in_french():
    centre = identity.Caller(identity.Role.CENTRE, "ctr-1", "s")
    with pytest.raises(PermissionDenied) as refused:
        centre.require(identity.Role.COMMITTEE, identity.Role.OPS)
    assert refused.value.reason == "ROLE_NOT_ALLOWED"
    assert wording.render(refused.value.words, "fr") == (
        "Le rôle centre ne permet pas cette opération (rôles admis : committee et ops)."
    )
    assert wording.render(refused.value.words, "en") == (
        "role centre may not do this (allowed: committee and ops)"
    )
    with pytest.raises(PermissionDenied) as refused:
        centre.require()
    assert wording.render(refused.value.words, "fr") == "Aucun rôle ne permet cette opération."
    with pytest.raises(PermissionDenied) as refused:
        centre.require_organisation("ctr-2")
    assert refused.value.reason == "OTHER_ORGANISATION"
    assert wording.render(refused.value.words, "fr") == (
        "L'organisation ctr-1 (rôle centre) ne peut pas agir pour ctr-2."
    )


# ---- a finding's lifecycle


def test_a_move_the_lifecycle_refuses_names_the_states_in_french():
    with pytest.raises(FailedPrecondition) as refused:
        lifecycle.CLOSE.check("f-1", lifecycle.REMEDIED)
    error = refused.value
    # The subject and the type are for machines: unchanged.
    assert (error.subject, error.type_) == ("finding f-1", "REMEDIED")
    assert wording.render(error.reason, "fr") == (
        "Le constat est à l'état « remédié (clos) » ; la clôture n'est possible qu'aux états"
        " suivants : contestation rejetée et ouvert."
    )
    assert wording.render(error.reason, "en") == (
        "the finding is REMEDIED; it may be closed only when CONTEST_DISMISSED and OPEN"
    )
    with pytest.raises(FailedPrecondition) as refused:
        lifecycle.CONTEST.check("f-1", lifecycle.CONTESTED)
    assert wording.render(refused.value.reason, "fr") == (
        "Le constat est à l'état « contesté » ; la contestation n'est possible qu'à l'état"
        " « ouvert »."
    )


@pytest.mark.parametrize("state", sorted(lifecycle.ANY_STATE))
def test_every_finding_state_has_words(state):
    for language in wording.LANGUAGES:
        assert wording.has_message(lifecycle.state_words(state).message, language)


# ---- the status a caller reads


def test_the_status_message_is_in_the_callers_language():
    from services.common.errors import InvalidArgument, Unavailable, to_trailers

    error = InvalidArgument([Violation("effective_date", text("validation-required"))])
    unavailable = Unavailable("DEPENDENCY_DOWN", text("error-dependency-down"))
    wording.set_language("fr")
    assert to_trailers(error)[1] == "effective_date: Ce champ est obligatoire."
    assert to_trailers(unavailable)[:2] == (
        grpc.StatusCode.UNAVAILABLE,
        "Un service dont dépend celui-ci est indisponible ; réessayez plus tard.",
    )
    wording.set_language("en")
    try:
        assert to_trailers(error)[1] == "effective_date: value is required"
        assert to_trailers(unavailable)[1] == (
            "a dependency of the service is unavailable; retry later"
        )
    finally:
        wording.set_language("fr")


def test_a_date_in_a_refusal_is_written_the_french_way():
    words = text("error-notice-effective-past", effective=date(2026, 3, 2), today=date(2026, 3, 5))
    assert wording.render(words, "fr") == (
        "La date d'effet (2 mars 2026) est antérieure à aujourd'hui (5 mars 2026)."
    )
