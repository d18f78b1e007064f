"""An ordering party's scorecard for one ISO week, from the checks' state: the labelled share
of its perennial volume (1st commitment), the share of its notices given with the agreed lead
time (3rd commitment) and the offshore share of its volume. Computed by the checks whenever a
week's volumes or notices change, and published on the compacted scorecards topic; the
ComplianceMonitor adds the open findings when it answers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.clock import PARIS
from services.compliance.check_store import Week
from services.rules.offshoring import DEFAULT_POLICY
from services.rules.purchasing import ActivityType
from services.rules.workload import week_label, week_start


async def compute(
    conn: asyncpg.Connection,
    group: str,
    party: str,
    week: Week,
    onshore: frozenset[str] = DEFAULT_POLICY.onshore,
) -> pb.Scorecard:
    volumes = await conn.fetchrow(
        "SELECT coalesce(sum(v.handled), 0)::bigint AS handled,"
        "  coalesce(sum(v.handled) FILTER (WHERE c.activity_type = $5), 0)::bigint AS perennial,"
        "  coalesce(sum(v.handled) FILTER (WHERE c.activity_type = $5 AND c.centre_labelled),"
        "    0)::bigint AS labelled,"
        "  coalesce(sum(v.handled) FILTER (WHERE NOT (upper(coalesce(c.sites ->> v.site_id,"
        "    '')) = ANY($6::text[]))), 0)::bigint AS offshore"
        " FROM check_weekly_volumes v JOIN check_contracts c USING (check_group, contract_id)"
        " WHERE v.check_group = $1 AND c.ordering_party_id = $2 AND v.iso_year = $3"
        "   AND v.iso_week = $4",
        group,
        party,
        *week,
        int(ActivityType.PERENNIAL),
        sorted(onshore),
    )
    monday = week_start(*week)
    start, end = (
        datetime.combine(day, time(), PARIS).astimezone(UTC)
        for day in (monday, monday + timedelta(days=7))
    )
    notices = await conn.fetchrow(
        "SELECT count(*) AS issued, count(*) FILTER (WHERE on_time) AS on_time"
        " FROM check_notices WHERE check_group = $1 AND ordering_party_id = $2"
        "   AND issued_at >= $3 AND issued_at < $4",
        group,
        party,
        start,
        end,
    )
    card = pb.Scorecard(
        ordering_party_id=party,
        week=week_label(*week),
        perennial_contacts=volumes["perennial"],
        labelled_perennial_contacts=volumes["labelled"],
        notices=notices["issued"],
        notices_on_time=notices["on_time"],
        handled_contacts=volumes["handled"],
        offshore_contacts=volumes["offshore"],
    )
    if volumes["perennial"]:
        card.labelled_perennial_share = volumes["labelled"] / volumes["perennial"]
    if notices["issued"]:
        card.notice_compliance_rate = notices["on_time"] / notices["issued"]
    if volumes["handled"]:
        card.offshore_share = volumes["offshore"] / volumes["handled"]
    return card
