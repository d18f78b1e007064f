"""The demo's second act: the volumes. The bank also buys a campaign from the same outsourcer,
at its Moroccan site. The outsourcer reports nine weeks of volumes of both contracts: from the
fifth week the French contract loses 60 % of its volume with no notice while the Moroccan one
grows by as much, and the bank's forecasts never change. The streaming checks find the
unannounced changes, the forecasts off the band and the shift offshore (for the bank and for
the outsourcer); the outsourcer's French centre is alerted; the committee reads the bank's
scorecard."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from google.protobuf import json_format
from google.protobuf.timestamp_pb2 import Timestamp
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as npb

from services.cli.notices import alert_line
from services.cli.parsing import parse_date
from services.common import identity
from services.common.clock import PARIS
from services.common.wording import render
from services.rules.wording import text

SAMPLE_CAMPAIGN = Path(__file__).parent / "samples" / "tender-campaign.json"
WEEKS = 9  # nine weeks, each over (and judged) before the story runs
DROP_FROM = 4  # the fifth week
INTERVALS = [time(9 + h // 2, 30 * (h % 2)) for h in range(8)]  # 9:00 to 12:30, Paris
# Contacts a week, divisible by the 40 intervals of a week: (before, after the drop).
ONSHORE = (9_720, 3_880)
OFFSHORE = (3_440, 9_280)
# The bank's findings, one per episode: per contract, an unannounced change (weeks 5 to 9) and
# a forecast off its band (from week 7), and its offshoring shift (from week 7). The
# outsourcer's own shift, across its clients, is the outsourcer's finding, not the bank's; each
# shift is an alert for the outsourcer's French centre.
EXPECTED_FINDINGS = 5
EXPECTED_ALERTS = 2
# The scorecard's columns (their names are the catalogue's) and the least width of each.
COLUMNS = ("week", "contacts", "labelled", "on-time", "offshore", "open")
COLUMN_WIDTHS = (8, 8, 6, 6, 6, 6)


def first_monday(today: date) -> date:
    """Monday of the story's first week: nine full weeks, and one more, before this week (the
    last of the nine is over, with its grace for late reports, whatever day it is)."""
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(weeks=WEEKS + 1)


async def campaign_contract(story, start: date) -> cpb.Contract:
    """The bank's campaign with the same outsourcer, at its Moroccan site."""
    tenders = story.tenders
    bank = story.as_(identity.Role.ORDERING_PARTY, story.bank)
    terms = json_format.Parse(SAMPLE_CAMPAIGN.read_text(), cpb.TenderTerms())
    terms.start_date.CopyFrom(parse_date(str(start)))
    terms.end_date.CopyFrom(parse_date(str(start + timedelta(days=180))))
    tender = await tenders.RegisterTender(cpb.RegisterTenderRequest(terms=terms), metadata=bank)
    bid = await tenders.SubmitBid(
        cpb.SubmitBidRequest(
            tender_id=tender.tender.tender_id,
            price_cents=2_500,
            sites=[cpb.ProposedSite(site_id=story.site("casablanca"))],
        ),
        metadata=story.as_(identity.Role.CENTRE, story.unlabelled),
    )
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender.tender.tender_id, bid_id=bid.bid_id),
        metadata=bank,
    )
    return awarded.contract


def intervals(contract: cpb.Contract, site: str, weekly: tuple[int, int], monday: date):
    """Forty half-hours a week, Monday to Friday mornings; the forecast stays at the level
    before the drop."""
    for week in range(WEEKS):
        handled = weekly[0] if week < DROP_FROM else weekly[1]
        for day in range(5):
            for start in INTERVALS:
                at = datetime.combine(monday + timedelta(weeks=week, days=day), start, PARIS)
                stamp = Timestamp()
                stamp.FromDatetime(at.astimezone(UTC))
                yield cpb.VolumeRecord(
                    contract_id=contract.contract_id,
                    site_id=site,
                    interval_start=stamp,
                    interval_minutes=30,
                    offered_contacts=handled // 40,
                    handled_contacts=handled // 40,
                    forecast_contacts=weekly[0] // 40,
                )


def chunks(records: list[cpb.VolumeRecord]) -> Iterator[cpb.ReportVolumesRequest]:
    for at in range(0, len(records), 1000):
        yield cpb.ReportVolumesRequest(records=records[at : at + 1000])


async def report_volumes(story, onshore: cpb.Contract, offshore: cpb.Contract, monday: date):
    records = [
        *intervals(onshore, story.site("nantes"), ONSHORE, monday),
        *intervals(offshore, story.site("casablanca"), OFFSHORE, monday),
    ]
    centre = story.as_(identity.Role.CENTRE, story.unlabelled)
    report = await story.contracts.ReportVolumes(chunks(records), metadata=centre)
    print(
        "  " + render(text("volume-demo-reported", received=report.received, stored=report.stored))
    )


async def watch_alerts(story, received: list[npb.Alert]) -> None:
    centre = story.as_(identity.Role.CENTRE, story.unlabelled)
    stream = story.notices.SubscribeAlerts(npb.SubscribeAlertsRequest(), metadata=centre)
    async for alert in stream:
        if alert.kind == npb.ALERT_KIND_OFFSHORING:
            received.append(alert)
            print(alert_line(alert), flush=True)


async def wait_for(items: list, count: int, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.1)):
        if len(items) >= count:
            return
        await asyncio.sleep(0.1)


async def show_scorecard(story) -> None:
    response = await story.monitor.GetScorecard(
        fpb.GetScorecardRequest(ordering_party_id=story.bank, weeks=WEEKS + 2),
        metadata=story.committee,
    )
    names = [render(text("volume-demo-column", column=c)) for c in COLUMNS]
    # Each column as wide as its name in the language, and at least as its figures need.
    widths = [max(len(name), least) for name, least in zip(names, COLUMN_WIDTHS, strict=True)]
    print(_row(names, widths))
    for card in response.history:
        cells = [
            card.week,
            str(card.handled_contacts),
            _share(card, "labelled_perennial_share"),
            _share(card, "notice_compliance_rate"),
            _share(card, "offshore_share"),
            str(sum(f.count for f in card.open_findings)),
        ]
        print(_row(cells, widths))


def _row(cells: list[str], widths: list[int]) -> str:
    """The week on the left, the figures right-aligned under their names."""
    (week, first), *figures = zip(cells, widths, strict=True)
    return "  " + "  ".join([week.ljust(first), *(c.rjust(w) for c, w in figures)])


def _share(card: fpb.Scorecard, field: str) -> str:
    if not card.HasField(field):
        return "–"
    return render(text("volume-demo-percent", percent=round(getattr(card, field) * 100)))
