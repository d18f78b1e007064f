"""The streaming checks end to end: events from the contracts and notices services, checked
by a worker of the checks running as its own process, recorded by the compliance service and
streamed to the committee over gRPC."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import topics
from services.common.clock import french_today
from services.common.envelope import decode, trace_carrier
from services.common.identity import Role
from services.compliance.checks.findings import finding_id
from tests.integration.conftest import StreamReader, known_to_notices
from tests.integration.test_contracts_service import (
    bid,
    new_centre,
    ordering_party,
    tender_terms,
)
from tests.integration.test_labels_service import day, site

pytestmark = pytest.mark.integration
TODAY = french_today()


class Watch(StreamReader):
    """The committee's (or a party's) findings stream, with filters."""

    def __init__(self, stub: ComplianceMonitorStub, metadata, **filters) -> None:
        request = fpb.WatchFindingsRequest(filter=fpb.FindingFilter(**filters))
        super().__init__(stub.WatchFindings(request, metadata=metadata))

    @property
    def findings(self) -> list[fpb.Finding]:
        return self.messages


async def test_the_story_becomes_findings_on_the_topic_and_the_committees_stream(
    registry, tenders, referential, token, known_labelled, notices_channel, pool, monitor, tail
):
    party = ordering_party()
    bank = token(Role.ORDERING_PARTY, party)
    committee = token(Role.COMMITTEE, "committee")
    watch = Watch(monitor, committee, ordering_party_id=party)
    mine = Watch(monitor, bank)
    serious = Watch(monitor, committee, ordering_party_id=party, min_severity=fpb.SEVERITY_SERIOUS)
    findings_topic = await tail(topics.FINDINGS)
    try:
        labelled = await new_centre(registry, token, referential, labelled=True)
        unlabelled = await new_centre(registry, token, referential, labelled=False)
        registered = await tenders.RegisterTender(
            cpb.RegisterTenderRequest(
                terms=tender_terms(
                    payment_terms=cpb.PaymentTerms(days=75),
                    auction_type=cpb.AUCTION_TYPE_REVERSE_AUCTION,
                )
            ),
            metadata=bank,
        )
        tender_id = registered.tender.tender_id
        await bid(tenders, token, tender_id, labelled, 2_600)
        cheap = await bid(tenders, token, tender_id, unlabelled, 2_500)
        await known_labelled(labelled)
        awarded = await tenders.AwardTender(
            cpb.AwardTenderRequest(tender_id=tender_id, bid_id=cheap.bid_id), metadata=bank
        )
        contract_id = awarded.contract.contract_id
        notices = NoticeServiceStub(notices_channel)
        await known_to_notices(pool, contract_id)
        # The ordering party's own trace: it must run through to the finding.
        trace_id = uuid.uuid4().hex
        notice = await notices.IssueWorkloadChange(
            npb.IssueWorkloadChangeRequest(
                contract_id=contract_id,
                change=npb.WorkloadChange(change_percent=-40),
                effective_date=day(TODAY + timedelta(days=10)),
                reason="internalisation",
            ),
            metadata=[*bank, ("traceparent", f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")],
        )

        # payment terms + reverse auction (one each, however often they were raised),
        # label preference, notice breach.
        expected = {
            finding_id("payment_terms", tender_id),
            finding_id("reverse_auction_perennial", tender_id),
            finding_id("label_preference", tender_id),
            finding_id("notice_breach", notice.notice_id),
        }
        seen = await watch.wait_for(4)
        await asyncio.sleep(1.0)
        assert {f.finding_id for f in watch.findings} == expected
        assert len(watch.findings) == 4, "a finding was streamed twice"
        by_rule = {f.rule: f for f in seen}
        assert by_rule["label_preference"].type == fpb.FINDING_TYPE_LABEL_PREFERENCE
        assert by_rule["label_preference"].evidence["price_gap_cents"] == 100
        breach = by_rule["notice_breach"]
        assert (breach.type, breach.contract_id) == (fpb.FINDING_TYPE_NOTICE_BREACH, contract_id)
        assert "L441-10" in by_rule["payment_terms"].reference
        assert [f.finding_id for f in await mine.wait_for(4)] == [f.finding_id for f in seen]
        assert {f.rule for f in await serious.wait_for(1)} <= {"payment_terms", "notice_breach"}

        # On the topic, the notice's finding is in the trace of the gRPC call that issued it:
        # gRPC → outbox → Kafka → checks worker → outbox → findings topic.
        records = await findings_topic.collect(lambda r: r.key == party.encode(), 4)
        notice_finding = next(
            r for r in records if decode(r.value)[1].finding.rule == "notice_breach"
        )
        assert trace_carrier(notice_finding.headers)["traceparent"].split("-")[1] == trace_id
    finally:
        for stream in (watch, mine, serious):
            await stream.close()

    listed = await monitor.ListFindings(
        fpb.ListFindingsRequest(
            filter=fpb.FindingFilter(
                ordering_party_id=party, types=[fpb.FINDING_TYPE_PURCHASING_PRACTICE]
            )
        ),
        metadata=committee,
    )
    assert sorted(f.rule for f in listed.findings) == ["payment_terms", "reverse_auction_perennial"]


async def test_an_ordering_party_watches_only_its_own_findings(monitor, token):
    call = monitor.WatchFindings(
        fpb.WatchFindingsRequest(filter=fpb.FindingFilter(ordering_party_id="op-other")),
        metadata=token(Role.ORDERING_PARTY, "op-mine"),
    )
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        async for _ in call:
            pass
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await monitor.ListFindings(fpb.ListFindingsRequest(), metadata=token(Role.OPS, "ops"))
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    # A centre reads only the findings about it: none for a centre no finding names.
    listed = await monitor.ListFindings(
        fpb.ListFindingsRequest(), metadata=token(Role.CENTRE, f"ctr-{uuid.uuid4().hex[:8]}")
    )
    assert list(listed.findings) == []


async def test_terms_that_open_the_door_offshore_are_findings(
    registry, tenders, contracts, referential, token, monitor
):
    """A perennial tender allowing sites in Tunisia, and a contract amended to move its work
    to Tunis: two offshoring findings, each once."""
    party = ordering_party()
    bank = token(Role.ORDERING_PARTY, party)
    tender = (
        await tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms(allowed_site_countries=["FR", "TN"])),
            metadata=bank,
        )
    ).tender
    centre = await new_centre(registry, token, referential, labelled=False)
    chosen = await bid(tenders, token, tender.tender_id, centre, 2_500)
    contract = (
        await tenders.AwardTender(
            cpb.AwardTenderRequest(tender_id=tender.tender_id, bid_id=chosen.bid_id), metadata=bank
        )
    ).contract
    start = contract.terms.start_date
    await contracts.AmendContract(
        cpb.AmendContractRequest(
            contract_id=contract.contract_id,
            effective_from=day(date(start.year, start.month, start.day) + timedelta(days=90)),
            amendment=cpb.ContractAmendment(
                sites=cpb.SiteList(sites=[cpb.ProposedSite(site_id=site(centre, "tunis"))])
            ),
            reason="bascule vers Tunis",
        ),
        metadata=bank,
    )
    committee = token(Role.COMMITTEE, "committee")
    watch = Watch(monitor, committee, ordering_party_id=party, types=[fpb.FINDING_TYPE_OFFSHORING])
    try:
        found = await watch.wait_for(2)
        await asyncio.sleep(1.0)
    finally:
        await watch.close()
    assert sorted(f.finding_id for f in watch.findings) == sorted(
        [
            finding_id("offshore_allowed_perennial", tender.tender_id),
            finding_id("offshore_amendment", f"{contract.contract_id}|TN"),
        ]
    )
    by_rule = {f.rule: f for f in found}
    assert by_rule["offshore_allowed_perennial"].severity == fpb.SEVERITY_INFO
    assert by_rule["offshore_amendment"].contract_id == contract.contract_id
