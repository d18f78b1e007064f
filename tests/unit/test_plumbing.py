"""The shared plumbing's pure parts: tokens, field validation, the envelope, the topic list."""

import asyncio
import time

import jwt
import pytest
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.labels.v1 import events_pb2, labels_pb2

from services.common import identity, runtime, topics
from services.common.envelope import UndecodableEvent, decode, wrap
from services.common.errors import InvalidArgument, PermissionDenied, Unauthenticated
from services.common.validation import check
from services.rules import Violation

KEY = "a-test-key-of-sufficient-length-for-hs256"


def test_token_round_trip():
    token = identity.mint(KEY, identity.Role.CENTRE, "ctr-lille")
    caller = identity.from_metadata(KEY, (("authorization", f"Bearer {token}"),))
    assert caller == identity.Caller(identity.Role.CENTRE, "ctr-lille", "centre:ctr-lille")


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ((), "TOKEN_MISSING"),
        ((("authorization", "Basic abc"),), "TOKEN_INVALID"),
        ((("authorization", "Bearer not-a-jwt"),), "TOKEN_INVALID"),
        (
            (
                (
                    "authorization",
                    "Bearer "
                    + identity.mint(
                        "another-key-entirely-of-sufficient-length", identity.Role.OPS, "o"
                    ),
                ),
            ),
            "TOKEN_INVALID",
        ),
        (
            (("authorization", "Bearer " + identity.mint(KEY, identity.Role.OPS, "o", ttl=-10)),),
            "TOKEN_EXPIRED",
        ),
        (
            (
                (
                    "authorization",
                    "Bearer "
                    + jwt.encode(
                        {
                            "iss": "vigie",
                            "sub": "x",
                            "role": "king",
                            "org": "o",
                            "exp": int(time.time()) + 3600,
                        },
                        KEY,
                    ),
                ),
            ),
            "TOKEN_INVALID",
        ),
    ],
)
def test_bad_tokens_are_unauthenticated(metadata, reason):
    with pytest.raises(Unauthenticated) as refused:
        identity.from_metadata(KEY, metadata)
    assert refused.value.reason == reason


def test_roles_and_organisations():
    centre = identity.Caller(identity.Role.CENTRE, "ctr-1", "s")
    centre.require(identity.Role.CENTRE)
    centre.require_organisation("ctr-1")
    with pytest.raises(PermissionDenied):
        centre.require(identity.Role.COMMITTEE)
    with pytest.raises(PermissionDenied):
        centre.require_organisation("ctr-2")
    identity.Caller(identity.Role.COMMITTEE, "committee", "s").require_organisation("ctr-2")


def test_validation_names_each_field_with_its_path():
    request = labels_pb2.RegisterCentreRequest(
        centre_id="Bad Id",
        name="",
        kind=labels_pb2.CENTRE_KIND_INTEGRATED,
        sites=[labels_pb2.Site(site_id="s1", name="x", country="fr")],
    )
    with pytest.raises(InvalidArgument) as refused:
        check(request)
    fields = {v.field for v in refused.value.violations}
    assert fields == {"centre_id", "name", "sites[0].country", "owner_ordering_party_id"}


def test_a_valid_request_passes():
    check(
        labels_pb2.RegisterCentreRequest(
            centre_id="ctr-lille",
            name="Lille",
            kind=labels_pb2.CENTRE_KIND_OUTSOURCED,
            sites=[labels_pb2.Site(site_id="s1", name="x", country="FR")],
        )
    )


def test_envelope_round_trip():
    event = wrap(
        topics.LABEL_EVENTS,
        events_pb2.LabelWithdrawn(centre_id="c", reason="r"),
        aggregate_id="c",
        producer="labels",
    )
    envelope, payload = decode(event.value)
    assert (envelope.event_id, envelope.aggregate_id, envelope.producer) == (
        event.event_id,
        "c",
        "labels",
    )
    assert envelope.event_type == "vigie.labels.v1.LabelWithdrawn" == event.event_type
    assert payload == events_pb2.LabelWithdrawn(centre_id="c", reason="r")


def _envelope(**fields) -> bytes:
    return Envelope(**fields).SerializeToString()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "empty"),
        (b"\xff\xff\xff", "not an envelope"),
        (_envelope(event_id="x"), "without event_type"),
        (
            _envelope(event_id="not-a-uuid", event_type="vigie.labels.v1.LabelWithdrawn"),
            "not a UUID",
        ),
        (
            _envelope(
                event_id="6f1c2a9e-0000-4000-8000-000000000000",
                event_type="vigie.labels.v1.LabelWithdrawn",
            ),
            "payload is ''",
        ),
    ],
)
def test_undecodable_records_say_why(value, reason):
    with pytest.raises(UndecodableEvent, match=reason):
        decode(value)


def test_every_topic_the_code_names_is_declared():
    declared = {t.name for t in topics.declared()}
    named = {
        v
        for k, v in vars(topics).items()
        if k.isupper() and isinstance(v, str) and v.startswith("vigie.")
    }
    assert named <= declared
    assert all(t.partitions >= 1 for t in topics.declared())


def test_violation_is_the_one_shape_of_a_field_error():
    assert InvalidArgument.one("f", "r").violations == [Violation("f", "r")]


async def test_a_background_loop_that_ends_ends_the_wait_for_a_stop_signal():
    """A service whose consumer died would answer health checks while consuming nothing:
    it stops instead, and says which loop ended."""

    async def lost_for_good() -> None:
        raise RuntimeError("the consumer gave up")

    relay = asyncio.create_task(asyncio.Event().wait(), name="outbox-relay")
    checks = asyncio.create_task(lost_for_good(), name="checks")
    try:
        ended = await asyncio.wait_for(runtime.until_stopped_or_failed([relay, checks]), 5)
        assert ended == ["checks"]
        assert not relay.done()
    finally:
        relay.cancel()
