"""The labels service end to end: real gRPC in, PostgreSQL and the outbox, Kafka out."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import grpc
import pytest
from google.protobuf import json_format
from google.rpc import error_details_pb2
from google.type.date_pb2 import Date
from grpc_status import rpc_status
from vigie.labels.v1 import events_pb2
from vigie.labels.v1 import labels_pb2 as pb

from services.cli.demo import SAMPLE_REFERENTIAL
from services.common import topics
from services.common.clock import french_today
from services.common.envelope import decode, trace_carrier
from services.common.identity import Role

pytestmark = pytest.mark.integration
TODAY = french_today()


def day(value: date) -> Date:
    return Date(year=value.year, month=value.month, day=value.day)


def new_centre_id() -> str:
    return f"ctr-{uuid.uuid4().hex[:12]}"


def site(centre_id: str, town: str) -> str:
    """A test centre's site id in a town: site ids are unique across centres."""
    return f"{town}-{centre_id}"


def centre_request(centre_id: str, **changes) -> pb.RegisterCentreRequest:
    request = pb.RegisterCentreRequest(
        centre_id=centre_id,
        name="Centre de Roubaix",
        kind=pb.CENTRE_KIND_OUTSOURCED,
        sites=[
            pb.Site(
                site_id=site(centre_id, "roubaix"), name="Roubaix", country="FR", city="Roubaix"
            ),
            pb.Site(site_id=site(centre_id, "tunis"), name="Tunis Lac", country="TN", city="Tunis"),
        ],
    )
    for name, value in changes.items():
        if name == "sites":
            del request.sites[:]
            request.sites.extend(value)
        else:
            setattr(request, name, value)
    return request


def referential_request() -> pb.PublishReferentialRequest:
    return json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())


def scores(referential: pb.Referential, short: int = 1) -> list[pb.CriterionScore]:
    return [
        pb.CriterionScore(code=c.code, score=c.max_score - short)
        for area in referential.areas
        for c in area.criteria
    ]


def audit_request(
    centre_id: str, referential: pb.Referential, short: int = 1
) -> pb.RecordAuditRequest:
    """An audit of today; `short` points below the maximum on every criterion (1 passes)."""
    return pb.RecordAuditRequest(
        centre_id=centre_id,
        referential_version=referential.version,
        audited_on=day(TODAY),
        auditor="Organisme certificateur",
        scores=scores(referential, short),
    )


def grant_request(centre_id: str, audit_id: str, days: int = 365) -> pb.GrantLabelRequest:
    return pb.GrantLabelRequest(
        centre_id=centre_id,
        audit_id=audit_id,
        valid_from=day(TODAY),
        valid_until=day(TODAY + timedelta(days=days)),
    )


def trace_id_of(record) -> str:
    return trace_carrier(record.headers)["traceparent"].split("-")[1]


def details(error: grpc.aio.AioRpcError):
    status = rpc_status.from_call(error)
    unpacked = []
    for detail in status.details:
        for kind in (
            error_details_pb2.BadRequest,
            error_details_pb2.PreconditionFailure,
            error_details_pb2.ResourceInfo,
            error_details_pb2.ErrorInfo,
        ):
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                unpacked.append(message)
    return unpacked


def bad_fields(error: grpc.aio.AioRpcError) -> dict[str, str]:
    return {
        v.field: v.description
        for d in details(error)
        if isinstance(d, error_details_pb2.BadRequest)
        for v in d.field_violations
    }


async def count_rows(pool, table: str, centre_id: str) -> int:
    return await pool.fetchval(f"SELECT count(*) FROM {table} WHERE centre_id = $1", centre_id)


async def test_register_audit_grant_each_publish_exactly_one_event_in_the_callers_trace(
    registry, committee, referential, tail
):
    events = await tail(topics.LABEL_EVENTS)
    statuses = await tail(topics.LABEL_STATUS)
    centre_id = new_centre_id()
    trace_ids = {}

    async def call(method, request, name):
        # The caller's own trace: the event must carry this trace id.
        trace_ids[name] = uuid.uuid4().hex
        traceparent = f"00-{trace_ids[name]}-{uuid.uuid4().hex[:16]}-01"
        return await method(request, metadata=[*committee, ("traceparent", traceparent)])

    await call(registry.RegisterCentre, centre_request(centre_id), "CentreRegistered")
    audit = await call(
        registry.RecordAudit,
        audit_request(centre_id, referential),
        "AuditRecorded",
    )
    assert audit.passed and all(r.passed for r in audit.results)
    await call(
        registry.GrantLabel,
        grant_request(centre_id, audit.audit_id, days=365),
        "LabelGranted",
    )

    records = await events.collect(lambda r: r.key == centre_id.encode(), 3)
    decoded = [decode(r.value) for r in records]
    assert [e.event_type.rsplit(".", 1)[1] for e, _ in decoded] == [
        "CentreRegistered",
        "AuditRecorded",
        "LabelGranted",
    ]
    assert len({e.event_id for e, _ in decoded}) == 3
    for record, (envelope, _) in zip(records, decoded, strict=True):
        name = envelope.event_type.rsplit(".", 1)[1]
        assert trace_id_of(record) == trace_ids[name]
        assert (envelope.producer, envelope.aggregate_id, envelope.schema_version) == (
            "labels",
            centre_id,
            1,
        )
        assert dict(record.headers)["event-id"].decode() == envelope.event_id
    assert isinstance(decoded[2][1], events_pb2.LabelGranted)
    assert decoded[2][1].audit_id == audit.audit_id

    # The compacted status topic holds the centre's latest state after each change.
    snapshots = await statuses.collect(lambda r: r.key == centre_id.encode(), 2)
    assert len(snapshots) == 2
    latest = decode(snapshots[-1].value)[1]
    assert latest.centre.label.status == pb.LABEL_STATUS_GRANTED
    assert [s.country for s in latest.centre.sites] == ["FR", "TN"]


async def test_label_lifecycle_over_grpc(registry, committee, referential, token):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=token(Role.CENTRE, centre_id))
    audit = await registry.RecordAudit(
        audit_request(centre_id, referential),
        metadata=committee,
    )
    await registry.GrantLabel(
        grant_request(centre_id, audit.audit_id, days=700),
        metadata=committee,
    )
    suspended = await registry.SuspendLabel(
        pb.SuspendLabelRequest(
            centre_id=centre_id, reason="plainte", remedy_deadline=day(TODAY + timedelta(days=30))
        ),
        metadata=committee,
    )
    assert suspended.label.status == pb.LABEL_STATUS_SUSPENDED
    assert suspended.label.reason == "plainte"
    reinstated = await registry.ReinstateLabel(
        pb.ReinstateLabelRequest(centre_id=centre_id, reason="corrigé"), metadata=committee
    )
    assert reinstated.label.status == pb.LABEL_STATUS_GRANTED
    withdrawn = await registry.WithdrawLabel(
        pb.WithdrawLabelRequest(centre_id=centre_id, reason="manquements répétés"),
        metadata=committee,
    )
    assert withdrawn.label.status == pb.LABEL_STATUS_WITHDRAWN

    bank = token(Role.ORDERING_PARTY, "banque")
    listed = await registry.ListCentres(
        pb.ListCentresRequest(label_status=pb.LABEL_STATUS_WITHDRAWN, country="TN"), metadata=bank
    )
    assert centre_id in [c.centre_id for c in listed.centres]
    assert all(c.label.status == pb.LABEL_STATUS_WITHDRAWN for c in listed.centres)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.SuspendLabel(
            pb.SuspendLabelRequest(
                centre_id=centre_id, reason="x", remedy_deadline=day(TODAY + timedelta(days=3))
            ),
            metadata=committee,
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "Un label retiré ne peut pas être suspendu." in refused.value.details()


@pytest.mark.parametrize(
    ("request_", "field", "reason"),
    [
        (centre_request("ctr-bad-1", name=""), "name", "au moins 1 caractère"),
        (
            centre_request("ctr-bad-2", sites=[pb.Site(site_id="s1", name="x", country="ZZ")]),
            "sites[0].country",
            "ZZ n'est pas un code de pays ISO 3166-1",
        ),
        (
            centre_request("ctr-bad-3", sites=[pb.Site(site_id="s1", name="x", country="france")]),
            "sites[0].country",
            "format attendu (expression régulière « ^[A-Z]{2}$ »)",
        ),
        (centre_request("Bad Id"), "centre_id", "expression régulière"),
        (centre_request("ctr-bad-4", sites=[]), "sites", "au moins 1 élément"),
        (
            centre_request("ctr-bad-5", kind=pb.CENTRE_KIND_INTEGRATED),
            "owner_ordering_party_id",
            "Un centre intégré doit nommer le donneur d'ordre",
        ),
    ],
)
async def test_bad_centres_are_refused_field_by_field_and_nothing_is_written(
    registry, committee, pool, request_, field, reason
):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.RegisterCentre(request_, metadata=committee)
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = bad_fields(refused.value)
    assert field in fields and reason in fields[field], fields
    assert await count_rows(pool, "centres", request_.centre_id) == 0
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE key = $1", request_.centre_id) == 0
    )


async def test_a_refusal_speaks_french_unless_the_caller_asks_for_english(
    registry, committee, token, pool
):
    """The same bad request, the same codes, fields and reason codes: in French by default,
    in English for a caller whose accept-language asks for it."""
    request = centre_request(new_centre_id(), name="")
    answers = {}
    for language, metadata in (
        ("fr", committee),
        ("en", [*committee, ("accept-language", "en-GB,en;q=0.9")]),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await registry.RegisterCentre(request, metadata=metadata)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        answers[language] = (refused.value.details(), bad_fields(refused.value))
    assert answers["fr"][1] == {"name": "La valeur doit comporter au moins 1 caractère."}
    assert answers["en"][1] == {"name": "must be at least 1 characters"}
    assert answers["fr"][0] == "name: La valeur doit comporter au moins 1 caractère."
    assert answers["en"][0] == "name: must be at least 1 characters"
    assert await count_rows(pool, "centres", request.centre_id) == 0

    # A refusal before any use case, from the token itself, follows the same language.
    ops = token(Role.OPS, "ops")
    for metadata, words in (
        (ops, "Le rôle ops ne permet pas cette opération"),
        ([*ops, ("accept-language", "en")], "role ops may not do this"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await registry.RegisterCentre(request, metadata=metadata)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert refused.value.details().startswith(words), refused.value.details()
        [info] = [d for d in details(refused.value) if isinstance(d, error_details_pb2.ErrorInfo)]
        assert (info.reason, info.domain) == ("ROLE_NOT_ALLOWED", "vigie")


async def test_scores_out_of_range_and_missing_criteria(registry, committee, referential, pool):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    given = scores(referential)
    given[0].score = 99
    del given[-1]
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.RecordAudit(
            pb.RecordAuditRequest(
                centre_id=centre_id,
                referential_version=referential.version,
                audited_on=day(TODAY),
                auditor="A",
                scores=given,
            ),
            metadata=committee,
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = bad_fields(refused.value)
    assert "La note 99 n'est pas comprise entre 0 et 10" in fields["scores[0].score"]
    assert "n'a pas reçu de note" in fields["scores"]
    assert await count_rows(pool, "audits", centre_id) == 0


async def test_grant_without_a_passing_audit_is_a_failed_precondition(
    registry, committee, referential, pool
):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    failing = await registry.RecordAudit(
        audit_request(centre_id, referential, short=5),
        metadata=committee,
    )
    assert not failing.passed
    outbox_before = await pool.fetchval("SELECT count(*) FROM outbox WHERE key = $1", centre_id)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.GrantLabel(
            grant_request(centre_id, failing.audit_id, days=365),
            metadata=committee,
        )
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    failure = next(
        d for d in details(refused.value) if isinstance(d, error_details_pb2.PreconditionFailure)
    )
    assert failure.violations[0].subject == "audit_id"
    assert failure.violations[0].description == (
        "L'audit n'a pas été réussi dans tous les domaines."
    )
    centre = await pool.fetchrow("SELECT label_status FROM centres WHERE centre_id = $1", centre_id)
    assert centre["label_status"] == pb.LABEL_STATUS_NONE
    assert (
        await pool.fetchval("SELECT count(*) FROM outbox WHERE key = $1", centre_id)
        == outbox_before
    )


async def test_unknown_ids_are_not_found(registry, committee, referential):
    cases = [
        (registry.GetCentre, pb.GetCentreRequest(centre_id="ctr-nobody")),
        (registry.GetAudit, pb.GetAuditRequest(audit_id=str(uuid.uuid4()))),
        (registry.GetReferential, pb.GetReferentialRequest(version=9999)),
        (
            registry.GrantLabel,
            pb.GrantLabelRequest(
                centre_id="ctr-nobody",
                audit_id=str(uuid.uuid4()),
                valid_from=day(TODAY),
                valid_until=day(TODAY + timedelta(days=30)),
            ),
        ),
    ]
    for method, request in cases:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await method(request, metadata=committee)
        assert refused.value.code() == grpc.StatusCode.NOT_FOUND, request
        info = next(
            d for d in details(refused.value) if isinstance(d, error_details_pb2.ResourceInfo)
        )
        assert info.resource_name


async def test_roles_and_organisations_are_enforced(registry, committee, referential, token, pool):
    centre_id = new_centre_id()
    centre = token(Role.CENTRE, centre_id)
    await registry.RegisterCentre(centre_request(centre_id), metadata=centre)
    audit = await registry.RecordAudit(
        audit_request(centre_id, referential),
        metadata=committee,
    )
    grant = grant_request(centre_id, audit.audit_id, days=365)
    bank = token(Role.ORDERING_PARTY, "banque")
    other_centre = token(Role.CENTRE, "ctr-someone-else")
    refused_calls = [
        (registry.GrantLabel, grant, centre),  # a centre cannot grant itself a label
        (registry.GetAudit, pb.GetAuditRequest(audit_id=audit.audit_id), bank),
        (registry.ListAudits, pb.ListAuditsRequest(centre_id=centre_id), bank),
        (registry.GetAudit, pb.GetAuditRequest(audit_id=audit.audit_id), other_centre),
        (registry.RegisterCentre, centre_request("ctr-impostor"), other_centre),
        (registry.PublishReferential, referential_request(), centre),
    ]
    for method, request, metadata in refused_calls:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await method(request, metadata=metadata)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED, (method, metadata)
    # What they may do: the label status for everyone, the audit for the audited centre.
    assert (
        await registry.GetCentre(pb.GetCentreRequest(centre_id=centre_id), metadata=bank)
    ).centre_id
    assert (
        await registry.GetAudit(pb.GetAuditRequest(audit_id=audit.audit_id), metadata=centre)
    ).passed
    assert await count_rows(pool, "centres", "ctr-impostor") == 0
    row = await pool.fetchrow("SELECT label_status FROM centres WHERE centre_id = $1", centre_id)
    assert row["label_status"] == pb.LABEL_STATUS_NONE


@pytest.mark.parametrize(
    "metadata",
    [
        [],
        [("authorization", "Bearer not-a-token")],
        [("authorization", "Basic dXNlcjpwYXNz")],
    ],
)
async def test_missing_or_bad_credentials_are_unauthenticated(registry, metadata):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.ListCentres(pb.ListCentresRequest(), metadata=metadata)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_a_centre_id_is_registered_once(registry, committee):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    assert refused.value.code() == grpc.StatusCode.ALREADY_EXISTS
