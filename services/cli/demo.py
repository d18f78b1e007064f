"""`vigie demo`: the story so far, told against the running services.

Labels: the committee publishes the referential; an outsourced centre with sites in France
and Morocco registers itself, is audited and labelled; an ordering party may read the label
status but not the audit; the label is suspended, then reinstated once remedied.
Contracts: a bank registers a perennial tender with 75-day payment terms by reverse
auction; the labelled centre and an unlabelled one bid, the labelled one 4 % dearer; the
award goes to the unlabelled one, with the label-preference advisory.
Notices: the winning centre watches its alert stream; the bank cuts the volume by 40 % with
10 days' notice where the contract asks 3 months; the centre sees the notice and the breach
as they happen. Volumes (demo_volumes.py): the bank's campaign with the same outsourcer at its
Moroccan site grows while the French contract shrinks with no notice. Compliance: the
committee's stream shows the bank's findings as the streaming checks record them, and the
bank's weekly scorecard. Every event that flows on Kafka is printed as it arrives."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import grpc
from google.protobuf import json_format
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import compliance_pb2_grpc
from vigie.compliance.v1 import events_pb2 as finding_events
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.contracts.v1 import contracts_pb2_grpc
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1 import labels_pb2_grpc
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1 import notices_pb2_grpc

from services.cli import demo_volumes
from services.cli.compliance import finding_line
from services.cli.notices import alert_line
from services.cli.output import as_dict
from services.cli.parsing import parse_date
from services.cli.watch import describe, mentions, records
from services.common import identity, topics, wording
from services.common.clock import french_today
from services.common.envelope import decode
from services.common.settings import load
from services.common.wording import render
from services.rules.purchasing import practice_summary
from services.rules.wording import text

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_REFERENTIAL = SAMPLES / "referential.json"
SAMPLE_TENDER = SAMPLES / "tender-perennial.json"
# Referential 1, labelled centre 2 + audit 1 + grant, suspension, reinstatement 2 each,
# second centre 2; tender registered, 2 bids, award, contract signed; 3 label alerts for the
# labelled centre; the notice and its 2 alerts; 5 findings (payment terms, reverse auction,
# label preference, notice breach, and the 40 % cut as a partial termination of the
# relationship on short notice, Code de commerce L442-1 II). The volumes: the campaign's
# tender, bid, award and contract (4), 2 volume reports, the scorecards of 10 weeks (9 of
# volumes, the notice's), the 6 volume findings (one per episode) and 2 offshoring alerts.
# A scorecard counts once per week, a finding once (raised, then revised as its episode's
# figures come in): how often either is computed again depends on how the reports fall into
# the checks' fetches.
EXPECTED_EVENTS = 52
EXPECTED_FINDINGS = 5 + demo_volumes.EXPECTED_FINDINGS
PAUSE = 0.3  # seconds between steps, so events show between them


def say(line: str) -> None:
    print(f"\n▶ {line}", flush=True)


def words(message: str, **arguments) -> str:
    """A line of the story, in French, from the catalogue."""
    return render(text(message, **arguments))


def label_status(status: int) -> str:
    name = pb.LabelStatus.Name(status).removeprefix("LABEL_STATUS_").lower()
    return words("demo-label-status", status=name)


def show(message, *fields: str) -> None:
    data = as_dict(message)
    print(
        "  " + json.dumps({f: data.get(f) for f in fields} if fields else data, ensure_ascii=False)
    )


class Story:
    def __init__(self, channels: dict[str, grpc.aio.Channel], key: str) -> None:
        self.registry = labels_pb2_grpc.LabelRegistryStub(channels["labels"])
        self.tenders = contracts_pb2_grpc.TenderServiceStub(channels["contracts"])
        self.contracts = contracts_pb2_grpc.ContractServiceStub(channels["contracts"])
        self.notices = notices_pb2_grpc.NoticeServiceStub(channels["notices"])
        self.monitor = compliance_pb2_grpc.ComplianceMonitorStub(channels["compliance"])
        self.key = key
        stamp = f"{datetime.now(UTC):%Y%m%d%H%M%S}"
        self.labelled = f"ctr-hauts-de-france-{stamp}"
        self.unlabelled = f"ctr-atlantique-{stamp}"
        self.bank = f"banque-exemple-{stamp}"
        self.stamp = stamp
        self.today = french_today()  # the services count days in France

    def site(self, town: str) -> str:
        """The story's site in a town: site ids are unique across centres, and every run of
        the story registers centres of its own."""
        return f"{town}-{self.stamp}"

    def as_(self, role: identity.Role, org: str) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {identity.mint(self.key, role, org)}")]

    @property
    def committee(self):
        return self.as_(identity.Role.COMMITTEE, "committee")

    def needles(self) -> list[str]:
        """What the story's events mention: its centres and its ordering party."""
        return [self.labelled, self.unlabelled, self.bank]


async def demo(addresses: dict[str, str]) -> int:
    settings = load()
    seen: list[str] = []
    started = asyncio.Event()
    async with (
        grpc.aio.insecure_channel(addresses["labels"]) as labels,
        grpc.aio.insecure_channel(addresses["contracts"]) as contracts,
        grpc.aio.insecure_channel(addresses["notices"]) as notices,
        grpc.aio.insecure_channel(addresses["compliance"]) as compliance,
    ):
        channels = {
            "labels": labels,
            "contracts": contracts,
            "notices": notices,
            "compliance": compliance,
        }
        story = Story(channels, settings.token_key)

        async def follow() -> None:
            names = [t.name for t in topics.declared() if t.name != topics.DEAD_LETTER]
            ids: set[bytes | None] = set()
            async for record in records(settings.kafka_bootstrap, names, False, started):
                headers = dict(record.headers or [])
                ours = mentions(record, story.needles()) or b"ReferentialPublished" in headers.get(
                    "event-type", b""
                )
                # At least once: a repeat is shown once; a scorecard is the latest of its week,
                # as on the compacted topic, and a finding counts once however often revised.
                seen_as = _identity(record, headers)
                if ours and seen_as not in ids:
                    ids.add(seen_as)
                    seen.append(describe(record))
                    print(seen[-1], flush=True)

        watcher = asyncio.create_task(follow())
        await asyncio.wait_for(started.wait(), 30)
        try:
            referential = await labels_story(story)
            watch = await committee_watches(story)
            contract = await contracts_story(story, referential)
            await notices_story(story, contract)
            await volumes_story(story, contract)
            await findings_recorded(watch)
            await step(render(text("volume-demo-scorecard")))
            await demo_volumes.show_scorecard(story)
        except grpc.aio.AioRpcError as error:
            print("  " + words("demo-unexpected", code=error.code().name, details=error.details()))
            watcher.cancel()
            return 1
        say(words("demo-events-wait"))
        for _ in range(100):
            if len(seen) >= EXPECTED_EVENTS:
                break
            await asyncio.sleep(0.1)
        watcher.cancel()
    print("\n" + words("demo-events-count", count=len(seen), expected=EXPECTED_EVENTS))
    return 0 if len(seen) >= EXPECTED_EVENTS else 1


def _identity(record, headers: dict) -> bytes | str | None:
    """What makes a record of the story one event for the count."""
    if record.topic == topics.SCORECARDS:
        return record.key
    if record.topic == topics.FINDINGS:
        _, payload = decode(record.value)
        if isinstance(payload, finding_events.FindingStateChanged):
            return payload.transition.finding_id
        return payload.finding.finding_id
    return headers.get("event-id")


async def step(text: str) -> None:
    await asyncio.sleep(PAUSE)
    say(text)


async def labels_story(story: Story) -> pb.Referential:
    registry, today = story.registry, story.today
    await step(words("demo-referential-published"))
    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())
    referential = await registry.PublishReferential(request, metadata=story.committee)
    print(
        "  "
        + words("demo-referential-version", version=referential.version, title=referential.title)
    )

    await step(words("demo-labelled-registers", centre=story.labelled))
    registered = await registry.RegisterCentre(
        centre_request(story, story.labelled, "Relation Client Hauts-de-France", "lille", "rabat"),
        metadata=story.as_(identity.Role.CENTRE, story.labelled),
    )
    show(registered, "centre_id", "kind", "label")

    await step(words("demo-audit-recorded"))
    audit = await registry.RecordAudit(
        pb.RecordAuditRequest(
            centre_id=story.labelled,
            referential_version=referential.version,
            audited_on=parse_date(str(today - timedelta(days=7))),
            auditor="Organisme certificateur accrédité",
            scores=[
                pb.CriterionScore(code=c.code, score=c.max_score - 2)
                for area in referential.areas
                for c in area.criteria
            ],
        ),
        metadata=story.committee,
    )
    for result in audit.results:
        area = pb.Area.Name(result.area).removeprefix("AREA_").lower().replace("_", "-")
        line = text(
            "demo-audit-area",
            area=text(f"label-area-{area}"),
            score=result.score,
            max=result.max_score,
            threshold=result.pass_threshold_percent,
            passed="yes" if result.passed else "no",
        )
        print(f"  {render(line)}")

    await step(words("demo-label-granted"))
    granted = await registry.GrantLabel(
        pb.GrantLabelRequest(
            centre_id=story.labelled,
            audit_id=audit.audit_id,
            valid_from=parse_date(str(today)),
            valid_until=parse_date(str(today + timedelta(days=3 * 365))),
        ),
        metadata=story.committee,
    )
    show(granted, "label")

    await step(words("demo-label-read"))
    bank = story.as_(identity.Role.ORDERING_PARTY, story.bank)
    seen = await registry.GetCentre(pb.GetCentreRequest(centre_id=story.labelled), metadata=bank)
    print("  " + label_status(seen.label.status))
    try:
        await registry.GetAudit(pb.GetAuditRequest(audit_id=audit.audit_id), metadata=bank)
    except grpc.aio.AioRpcError as error:
        print("  " + words("demo-audit-refused", code=error.code().name, details=error.details()))

    await step(words("demo-label-suspended"))
    suspended = await registry.SuspendLabel(
        pb.SuspendLabelRequest(
            centre_id=story.labelled,
            reason="Affichage social absent sur le site de Lille (contrôle inopiné)",
            remedy_deadline=parse_date(str(today + timedelta(days=60))),
        ),
        metadata=story.committee,
    )
    show(suspended, "label")
    await step(words("demo-label-reinstated"))
    reinstated = await registry.ReinstateLabel(
        pb.ReinstateLabelRequest(centre_id=story.labelled, reason="Affichage social en place"),
        metadata=story.committee,
    )
    print("  " + label_status(reinstated.label.status))

    await step(words("demo-unlabelled-registers", centre=story.unlabelled))
    await registry.RegisterCentre(
        centre_request(story, story.unlabelled, "Atlantique Contact", "nantes", "casablanca"),
        metadata=story.as_(identity.Role.CENTRE, story.unlabelled),
    )
    return referential


async def contracts_story(story: Story, referential: pb.Referential) -> cpb.Contract:
    tenders = story.tenders
    bank = story.as_(identity.Role.ORDERING_PARTY, story.bank)
    await step(words("demo-tender", party=story.bank))
    terms = json_format.Parse(SAMPLE_TENDER.read_text(), cpb.TenderTerms())
    start = demo_volumes.first_monday(story.today)
    terms.start_date.CopyFrom(parse_date(str(start)))
    terms.end_date.CopyFrom(parse_date(str(start + timedelta(days=3 * 365))))
    registered = await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=bank)
    tender_id = registered.tender.tender_id
    for advisory in registered.advisories:
        explanation = wording.text_of(advisory, "explanation")
        line = practice_summary(advisory.rule, explanation, advisory.observed, advisory.limit)
        print(f"  {wording.render(line)}")
        print(f"    {wording.render(wording.text_of(advisory, 'reference'))}")

    await step(words("demo-bids"))
    bids = {}
    for centre, price, site in (
        (story.labelled, 2_600, story.site("lille")),
        (story.unlabelled, 2_500, story.site("nantes")),
    ):
        bids[centre] = await submit_when_known(story, tender_id, centre, price, site)
        print("  " + words("demo-bid-price", centre=centre, price=Decimal(price) / 100))

    await step(words("demo-award"))
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender_id, bid_id=bids[story.unlabelled].bid_id),
        metadata=bank,
    )
    advisory = awarded.label_preference
    if awarded.HasField("label_preference"):
        print(f"  {wording.render(wording.text_of(advisory, 'explanation'))}")
        print(f"    {wording.render(wording.text_of(advisory, 'reference'))}")
    contract = awarded.contract
    print(
        "  "
        + words("demo-contract-signed", contract=contract.contract_id, centre=contract.centre_id)
    )
    return awarded.contract


async def notices_story(story: Story, contract: cpb.Contract) -> None:
    centre = story.as_(identity.Role.CENTRE, contract.centre_id)
    await step(wording.render(text("alert-demo-stream-opened", centre=contract.centre_id)))
    stream = story.notices.SubscribeAlerts(npb.SubscribeAlertsRequest(), metadata=centre)
    received: list[npb.Alert] = []

    async def read() -> None:
        async for alert in stream:
            received.append(alert)
            print(alert_line(alert), flush=True)

    reader = asyncio.create_task(read())
    await step(wording.render(text("notice-demo-cut", percent=40, days=10, months=3)))
    request = npb.IssueWorkloadChangeRequest(
        contract_id=contract.contract_id,
        change=npb.WorkloadChange(change_percent=-40),
        effective_date=parse_date(str(story.today + timedelta(days=10))),
        reason="Internalisation d'une partie du service client",
    )
    notice = await issue_when_known(story, request)
    verdict = notice.verdict
    line = "notice-verdict-complies" if verdict.complies else "notice-verdict-breach"
    print(f"  {wording.render(text(line, explanation=wording.text_of(verdict, 'explanation')))}")
    for _ in range(100):
        if len(received) >= 2:
            break
        await asyncio.sleep(0.05)
    stream.cancel()
    await asyncio.gather(reader, return_exceptions=True)


async def volumes_story(story: Story, onshore: cpb.Contract) -> None:
    await step(render(text("volume-demo-campaign", centre=story.unlabelled)))
    monday = demo_volumes.first_monday(story.today)
    offshore = await demo_volumes.campaign_contract(story, monday)
    sites = [s.site_id for s in offshore.sites]
    print("  " + render(text("volume-demo-contract", contract=offshore.contract_id, sites=sites)))
    alerts: list[npb.Alert] = []
    reader = asyncio.create_task(demo_volumes.watch_alerts(story, alerts))
    await step(render(text("volume-demo-report", centre=story.unlabelled)))
    await demo_volumes.report_volumes(story, onshore, offshore, monday)
    await step(render(text("volume-demo-alerted", centre=story.unlabelled)))
    await demo_volumes.wait_for(alerts, demo_volumes.EXPECTED_ALERTS)
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)


class CommitteeWatch:
    """The committee's stream of this story's findings, read in the background: each finding
    as it stands now (an episode's finding comes again when revised)."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.by_id: dict[str, fpb.Finding] = {}
        self.task = asyncio.create_task(self._read())

    @property
    def findings(self) -> list[fpb.Finding]:
        return list(self.by_id.values())

    async def _read(self) -> None:
        async for finding in self.stream:
            self.by_id[finding.finding_id] = finding
            print(finding_line(finding), flush=True)


async def committee_watches(story: Story) -> CommitteeWatch:
    await step(words("demo-committee-watches", party=story.bank))
    request = fpb.WatchFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=story.bank))
    return CommitteeWatch(story.monitor.WatchFindings(request, metadata=story.committee))


async def findings_recorded(watch: CommitteeWatch) -> None:
    await step(words("demo-findings-reach"))
    for _ in range(300):
        if len(watch.findings) >= EXPECTED_FINDINGS:
            break
        await asyncio.sleep(0.1)
    watch.stream.cancel()
    await asyncio.gather(watch.task, return_exceptions=True)
    print(
        "  " + words("demo-findings-count", count=len(watch.findings), expected=EXPECTED_FINDINGS)
    )


async def issue_when_known(story: Story, request: npb.IssueWorkloadChangeRequest):
    """The notices service learns contracts from the contracts topic: wait for it."""
    bank = story.as_(identity.Role.ORDERING_PARTY, story.bank)
    for _ in range(100):
        try:
            return await story.notices.IssueWorkloadChange(request, metadata=bank)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.NOT_FOUND:
                raise
            await asyncio.sleep(0.1)
    raise RuntimeError(f"contract {request.contract_id} never reached the notices service")


async def submit_when_known(story: Story, tender_id: str, centre: str, price: int, site: str):
    """The contracts service learns centres from the label-status topic: wait for it."""
    request = cpb.SubmitBidRequest(
        tender_id=tender_id, price_cents=price, sites=[cpb.ProposedSite(site_id=site)]
    )
    for _ in range(100):
        try:
            return await story.tenders.SubmitBid(
                request, metadata=story.as_(identity.Role.CENTRE, centre)
            )
        except grpc.aio.AioRpcError as error:
            # Words change with the language; the code and the subject do not.
            unknown = (error.details() or "").startswith("centre_id:")
            if error.code() != grpc.StatusCode.FAILED_PRECONDITION or not unknown:
                raise
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{centre} never reached the contracts service")


def centre_request(story: Story, centre_id: str, name: str, onshore: str, offshore: str):
    cities = {"lille": "Lille", "rabat": "Rabat", "nantes": "Nantes", "casablanca": "Casablanca"}
    countries = {"lille": "FR", "nantes": "FR", "rabat": "MA", "casablanca": "MA"}
    return pb.RegisterCentreRequest(
        centre_id=centre_id,
        name=name,
        kind=pb.CENTRE_KIND_OUTSOURCED,
        sites=[
            pb.Site(
                site_id=story.site(s),
                name=f"{name} {cities[s]}",
                country=countries[s],
                city=cities[s],
            )
            for s in (onshore, offshore)
        ],
    )
