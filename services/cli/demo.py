"""`vigie demo`: the labels story, told against the running services.

The committee publishes the referential; an outsourced centre with sites in France and
Morocco registers itself; an audit is recorded and the label granted; an ordering party may
read the label status but not the audit; the committee suspends the label. Every event that
flows on Kafka is printed as it arrives."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc
from google.protobuf import json_format
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1 import labels_pb2_grpc

from services.cli.main import parse_date
from services.cli.output import as_dict
from services.cli.watch import describe, records
from services.common import identity, topics
from services.common.settings import load

SAMPLE_REFERENTIAL = Path(__file__).parent / "samples" / "referential.json"
# What the story publishes: referential, centre (2), audit, grant (2), suspension (2).
EXPECTED_EVENTS = 8


def say(text: str) -> None:
    print(f"\n▶ {text}", flush=True)


def show(message, *fields: str) -> None:
    data = as_dict(message)
    print(
        "  " + json.dumps({f: data.get(f) for f in fields} if fields else data, ensure_ascii=False)
    )


class Story:
    def __init__(self, channel: grpc.aio.Channel, key: str) -> None:
        self.registry = labels_pb2_grpc.LabelRegistryStub(channel)
        self.key = key

    def auth(self, role: identity.Role, org: str) -> list[tuple[str, str]]:
        return [("authorization", f"Bearer {identity.mint(self.key, role, org)}")]


async def demo(labels_addr: str) -> int:
    settings = load()
    today = datetime.now(UTC).date()
    centre_id = f"ctr-hauts-de-france-{datetime.now(UTC):%Y%m%d%H%M%S}"
    seen: list[str] = []
    started = asyncio.Event()

    async def follow() -> None:
        async for record in records(
            settings.kafka_bootstrap, [topics.LABEL_EVENTS, topics.LABEL_STATUS], False, started
        ):
            line = describe(record)
            if centre_id in line or "ReferentialPublished" in line:
                seen.append(line)
                print(line, flush=True)

    watcher = asyncio.create_task(follow())
    await asyncio.wait_for(started.wait(), 30)
    async with grpc.aio.insecure_channel(labels_addr) as channel:
        story = Story(channel, settings.token_key)
        committee = story.auth(identity.Role.COMMITTEE, "committee")
        centre = story.auth(identity.Role.CENTRE, centre_id)
        bank = story.auth(identity.Role.ORDERING_PARTY, "banque-exemple")
        try:
            await tell(story, committee, centre, bank, centre_id, today)
        except grpc.aio.AioRpcError as error:
            print(f"  unexpected {error.code().name}: {error.details()}")
            watcher.cancel()
            return 1

    say("Waiting for every event to arrive on Kafka")
    for _ in range(100):
        if len(seen) >= EXPECTED_EVENTS:
            break
        await asyncio.sleep(0.1)
    watcher.cancel()
    print(f"\n{len(seen)} events seen for this story (expected {EXPECTED_EVENTS}).")
    return 0 if len(seen) >= EXPECTED_EVENTS else 1


async def tell(story: Story, committee, centre, bank, centre_id: str, today) -> None:
    registry = story.registry
    say("The committee publishes a version of the label referential (four areas)")
    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())
    referential = await registry.PublishReferential(request, metadata=committee)
    print(f"  referential v{referential.version}: {referential.title}")

    say(f"Centre {centre_id} registers itself: an outsourcer with sites in France and Morocco")
    registered = await registry.RegisterCentre(
        pb.RegisterCentreRequest(
            centre_id=centre_id,
            name="Relation Client Hauts-de-France",
            kind=pb.CENTRE_KIND_OUTSOURCED,
            sites=[
                pb.Site(site_id="lille", name="Lille Euratechnologies", country="FR", city="Lille"),
                pb.Site(site_id="rabat", name="Rabat Technopolis", country="MA", city="Rabat"),
            ],
        ),
        metadata=centre,
    )
    show(registered, "centre_id", "kind", "label")

    say("An audit is recorded against that referential; each area is scored")
    scores = [
        pb.CriterionScore(code=c.code, score=c.max_score - 2)
        for area in referential.areas
        for c in area.criteria
    ]
    audit = await registry.RecordAudit(
        pb.RecordAuditRequest(
            centre_id=centre_id,
            referential_version=referential.version,
            audited_on=parse_date(str(today - timedelta(days=7))),
            auditor="Organisme certificateur accrédité",
            scores=scores,
        ),
        metadata=committee,
    )
    for result in audit.results:
        verdict = "passed" if result.passed else "failed"
        print(
            f"  {pb.Area.Name(result.area):32} {result.score}/{result.max_score}"
            f" (threshold {result.pass_threshold_percent} %) {verdict}"
        )

    say("The committee grants the label for three years")
    granted = await registry.GrantLabel(
        pb.GrantLabelRequest(
            centre_id=centre_id,
            audit_id=audit.audit_id,
            valid_from=parse_date(str(today)),
            valid_until=parse_date(str(today + timedelta(days=3 * 365))),
        ),
        metadata=committee,
    )
    show(granted, "label")

    say("An ordering party reads the label status, but may not read the audit")
    seen_by_bank = await registry.GetCentre(pb.GetCentreRequest(centre_id=centre_id), metadata=bank)
    print(f"  label status: {pb.LabelStatus.Name(seen_by_bank.label.status)}")
    try:
        await registry.GetAudit(pb.GetAuditRequest(audit_id=audit.audit_id), metadata=bank)
    except grpc.aio.AioRpcError as error:
        print(f"  GetAudit as an ordering party: {error.code().name}: {error.details()}")

    say("A complaint: the committee suspends the label, with a deadline to remedy")
    suspended = await registry.SuspendLabel(
        pb.SuspendLabelRequest(
            centre_id=centre_id,
            reason="Affichage social absent sur le site de Lille (contrôle inopiné)",
            remedy_deadline=parse_date(str(today + timedelta(days=60))),
        ),
        metadata=committee,
    )
    show(suspended, "label")
