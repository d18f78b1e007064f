"""The labels service's use cases on an in-memory unit of work: registering centres,
publishing the referential, recording audits, and a label's life from grant to expiry; what
each stores and emits, what it refuses, and that a refused command leaves nothing behind
(no state, no event). No PostgreSQL, no Kafka: `bootstrap` wires the fake as it wires the
real one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from google.protobuf import json_format
from vigie.labels.v1 import events_pb2 as events
from vigie.labels.v1 import labels_pb2 as pb

from services.cli.demo import SAMPLE_REFERENTIAL
from services.common import topics
from services.common.errors import AlreadyExists, InvalidArgument, NotFound, PermissionDenied
from services.common.identity import Caller, Role
from services.common.protos import from_date
from services.labels.bootstrap import UseCases, bootstrap
from services.rules import RuleBroken
from services.rules.wording import text
from tests.unit.fake_labels_uow import FakeCentres, FakeUnitsOfWork

NOW = datetime(2027, 4, 16, 9, 30, tzinfo=UTC)
TODAY = date(2027, 4, 16)
COMMITTEE = Caller(Role.COMMITTEE, "committee", "carol")


def centre_request(centre_id: str = "ctr-1", *countries: str) -> pb.RegisterCentreRequest:
    return pb.RegisterCentreRequest(
        centre_id=centre_id,
        name="Centre de Roubaix",
        kind=pb.CENTRE_KIND_OUTSOURCED,
        sites=[
            pb.Site(site_id=f"{centre_id}-{i}", name="plateau", country=country)
            for i, country in enumerate(countries or ("FR", "TN"))
        ],
    )


def audit_request(referential: pb.Referential, short: int = 1) -> pb.RecordAuditRequest:
    """An audit of today; `short` points below the maximum on every criterion (1 passes)."""
    return pb.RecordAuditRequest(
        centre_id="ctr-1",
        referential_version=referential.version,
        audited_on=from_date(TODAY),
        auditor="Organisme certificateur",
        scores=[
            pb.CriterionScore(code=c.code, score=c.max_score - short)
            for area in referential.areas
            for c in area.criteria
        ],
    )


def grant_request(audit_id: str, days: int = 365) -> pb.GrantLabelRequest:
    return pb.GrantLabelRequest(
        centre_id="ctr-1",
        audit_id=audit_id,
        valid_from=from_date(TODAY),
        valid_until=from_date(TODAY + timedelta(days=days)),
    )


@pytest.fixture
def uows() -> FakeUnitsOfWork:
    return FakeUnitsOfWork()


@pytest.fixture
def app(uows: FakeUnitsOfWork) -> UseCases:
    return bootstrap(uows, now=lambda: NOW)


async def published(app: UseCases) -> pb.Referential:
    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())
    return await app.audits.publish_referential(request)


async def audited(app: UseCases, short: int = 1) -> pb.Audit:
    await app.centres.register(centre_request())
    return await app.audits.record(audit_request(await published(app), short))


def unchanged(uows: FakeUnitsOfWork) -> tuple:
    return (
        {k: v.SerializeToString() for k, v in uows.data.centres.items()},
        len(uows.data.referentials),
        dict(uows.data.audits),
        list(uows.emitted),
    )


# -- centres ------------------------------------------------------------------------------


async def test_a_centre_registers_unlabelled_and_its_status_is_published(app, uows):
    centre = await app.centres.register(centre_request())
    assert centre.label.status == pb.LABEL_STATUS_NONE
    assert centre.registered_at.ToDatetime(tzinfo=UTC) == NOW
    assert uows.data.centres["ctr-1"] == centre
    registered, status = uows.emitted
    assert (registered.topic, registered.key, registered.payload) == (
        topics.LABEL_EVENTS,
        "ctr-1",
        events.CentreRegistered(centre=centre),
    )
    assert (status.topic, status.key, status.payload) == (
        topics.LABEL_STATUS,
        "ctr-1",
        events.CentreLabelStatus(centre=centre),
    )
    assert await app.centres.get("ctr-1") == centre
    assert [c.centre_id for c in await app.centres.list(pb.ListCentresRequest(country="TN"))] == [
        "ctr-1"
    ]
    assert await app.centres.list(pb.ListCentresRequest(country="MA")) == []


async def test_a_centre_is_refused_for_its_sites_or_its_id_and_nothing_is_kept(app, uows):
    await app.centres.register(centre_request())
    before = unchanged(uows)
    with pytest.raises(InvalidArgument) as refused:
        await app.centres.register(centre_request("ctr-2", "XX"))
    assert refused.value.violations[0].field == "sites[0].country"
    # Another centre's site id.
    taken = centre_request("ctr-2")
    taken.sites[1].site_id = "ctr-1-1"
    with pytest.raises(InvalidArgument) as refused:
        await app.centres.register(taken)
    (violation,) = refused.value.violations
    assert (violation.field, violation.reason) == (
        "sites[1].site_id",
        text("label-site-taken", site="ctr-1-1"),
    )
    with pytest.raises(AlreadyExists):
        await app.centres.register(centre_request())
    with pytest.raises(NotFound):
        await app.centres.get("ctr-2")
    assert unchanged(uows) == before


async def test_a_site_taken_meanwhile_is_refused_as_already_there(app, uows, monkeypatch):
    """The check passed, and another registration took a site before the insert: the
    database's index decides, and nothing of this registration is kept."""
    await app.centres.register(centre_request())

    async def nobody(self, centre_id, site_ids):
        return set()

    monkeypatch.setattr(FakeCentres, "sites_of_others", nobody)
    taken = centre_request("ctr-2")
    taken.sites[0].site_id = "ctr-1-0"
    with pytest.raises(AlreadyExists) as refused:
        await app.centres.register(taken)
    assert refused.value.resource_type == "site"
    assert ("ctr-2" not in uows.data.centres, uows.rollbacks) == (True, 1)


# -- the referential and audits -----------------------------------------------------------


async def test_referentials_are_numbered_and_the_latest_is_version_0(app, uows):
    first, second = await published(app), await published(app)
    assert (first.version, second.version) == (1, 2)
    assert (await app.audits.referential(0)).version == 2
    assert (await app.audits.referential(1)) == first
    with pytest.raises(NotFound):
        await app.audits.referential(3)
    assert [e.key for e in uows.emitted] == ["referential", "referential"]


async def test_an_audit_is_scored_per_area_and_published(app, uows):
    audit = await audited(app)
    assert audit.passed and len(audit.results) == 4
    assert all(r.passed for r in audit.results)
    assert uows.payloads(events.AuditRecorded) == [events.AuditRecorded(audit=audit)]
    assert await app.audits.list("ctr-1") == [audit]
    assert await app.audits.get(COMMITTEE, audit.audit_id) == audit
    assert await app.audits.get(Caller(Role.CENTRE, "ctr-1", "dan"), audit.audit_id) == audit
    with pytest.raises(PermissionDenied):
        await app.audits.get(Caller(Role.CENTRE, "ctr-2", "erin"), audit.audit_id)


async def test_an_audit_of_an_unknown_centre_or_referential_or_of_tomorrow_is_refused(app, uows):
    referential = await published(app)
    with pytest.raises(NotFound):
        await app.audits.record(audit_request(referential))  # no centre yet
    await app.centres.register(centre_request())
    unknown = audit_request(referential)
    unknown.referential_version = 9
    with pytest.raises(NotFound):
        await app.audits.record(unknown)
    tomorrow = audit_request(referential)
    tomorrow.audited_on.CopyFrom(from_date(TODAY + timedelta(days=1)))
    with pytest.raises(InvalidArgument):
        await app.audits.record(tomorrow)
    assert (uows.data.audits, uows.payloads(events.AuditRecorded)) == ({}, [])


# -- a label's life -----------------------------------------------------------------------


async def test_a_label_is_granted_on_a_passing_audit_with_its_events(app, uows):
    audit = await audited(app)
    centre = await app.labels.grant(grant_request(audit.audit_id))
    assert (centre.label.status, centre.label.audit_id) == (pb.LABEL_STATUS_GRANTED, audit.audit_id)
    assert centre.label.changed_at.ToDatetime(tzinfo=UTC) == NOW
    assert uows.data.centres["ctr-1"].label == centre.label
    granted, status = uows.emitted[-2:]
    assert isinstance(granted.payload, events.LabelGranted) and granted.key == "ctr-1"
    assert status.payload == events.CentreLabelStatus(centre=centre)


async def test_a_label_is_refused_on_a_failed_audit_and_nothing_changes(app, uows):
    audit = await audited(app, short=9)
    assert not audit.passed
    before = unchanged(uows)
    with pytest.raises(RuleBroken) as refused:
        await app.labels.grant(grant_request(audit.audit_id))
    assert refused.value.reason == text("label-audit-failed")
    with pytest.raises(NotFound):
        await app.labels.grant(grant_request("no-such-audit"))
    assert unchanged(uows) == before


async def test_a_label_is_suspended_reinstated_and_withdrawn(app, uows):
    audit = await audited(app)
    await app.labels.grant(grant_request(audit.audit_id))
    suspended = await app.labels.suspend(
        pb.SuspendLabelRequest(
            centre_id="ctr-1",
            reason="Audit de suivi non conforme",
            remedy_deadline=from_date(TODAY + timedelta(days=60)),
        )
    )
    assert suspended.label.status == pb.LABEL_STATUS_SUSPENDED
    reinstated = await app.labels.reinstate(
        pb.ReinstateLabelRequest(centre_id="ctr-1", reason="Plan d'action réalisé")
    )
    assert reinstated.label.status == pb.LABEL_STATUS_GRANTED
    withdrawn = await app.labels.withdraw(
        pb.WithdrawLabelRequest(centre_id="ctr-1", reason="Manquements répétés")
    )
    assert withdrawn.label.status == pb.LABEL_STATUS_WITHDRAWN
    kinds = [
        type(p).__name__ for p in uows.payloads() if not isinstance(p, events.CentreLabelStatus)
    ]
    assert kinds[-3:] == ["LabelSuspended", "LabelReinstated", "LabelWithdrawn"]
    before = unchanged(uows)
    with pytest.raises(RuleBroken):
        await app.labels.reinstate(pb.ReinstateLabelRequest(centre_id="ctr-1", reason="non"))
    assert unchanged(uows) == before


async def test_labels_past_their_validity_expire_once(app, uows):
    audit = await audited(app)
    await app.labels.grant(grant_request(audit.audit_id, days=1))
    assert await app.labels.expire_due() == 0  # still valid today
    later = bootstrap(uows, now=lambda: NOW + timedelta(days=2))
    assert await later.labels.expire_due() == 1
    assert await later.labels.expire_due() == 0
    assert uows.data.centres["ctr-1"].label.status == pb.LABEL_STATUS_EXPIRED
    (expired,) = uows.payloads(events.LabelExpired)
    assert expired.valid_until == from_date(TODAY + timedelta(days=1))
