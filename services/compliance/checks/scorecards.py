"""An ordering party's scorecard for one ISO week, from the checks' state: the labelled share
of its perennial volume (1st commitment), the share of its notices given with the agreed lead
time (3rd commitment) and the offshore share of its volume. Computed by the checks whenever a
week's volumes or notices change, and published on the compacted scorecards topic; the
ComplianceMonitor adds the open findings when it answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

import asyncpg
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.clock import PARIS
from services.compliance.checks.state import Week
from services.rules.calendar import week_label, week_start
from services.rules.offshoring import DEFAULT_POLICY
from services.rules.purchasing import ActivityType


async def compute_many(
    conn: asyncpg.Connection,
    group: str,
    keys: Sequence[tuple[str, Week]],
    onshore: frozenset[str] = DEFAULT_POLICY.onshore,
) -> list[pb.Scorecard]:
    """The scorecards of (party, week) pairs, in their order, in one statement: the checks
    compute those a batch of events touched together, before it commits."""
    bounds = [_week_bounds(week) for _, week in keys]
    # LATERAL: per pair, from the party's contracts to their week by primary key, whatever
    # the statistics say (a new group's rows are unknown to them).
    rows = await conn.fetch(
        "SELECT vol.*, nts.*"
        " FROM unnest($2::text[], $3::int[], $4::int[], $5::timestamptz[], $6::timestamptz[])"
        "   WITH ORDINALITY AS k(party, iso_year, iso_week, start_at, end_at, n)"
        " CROSS JOIN LATERAL ("
        "   SELECT coalesce(sum(v.handled), 0)::bigint AS handled,"
        "     coalesce(sum(v.handled) FILTER (WHERE c.activity_type = $7), 0)::bigint"
        "       AS perennial,"
        "     coalesce(sum(v.handled) FILTER (WHERE c.activity_type = $7 AND c.centre_labelled),"
        "       0)::bigint AS labelled,"
        "     coalesce(sum(v.handled) FILTER (WHERE NOT (upper(coalesce(c.sites ->> v.site_id,"
        "       '')) = ANY($8::text[]))), 0)::bigint AS offshore"
        "   FROM check_contracts c CROSS JOIN LATERAL ("
        "     SELECT site_id, handled FROM check_weekly_volumes"
        "     WHERE check_group = c.check_group AND contract_id = c.contract_id"
        "       AND iso_year = k.iso_year AND iso_week = k.iso_week"
        "     OFFSET 0"  # kept a subquery: the planner may not flatten it into a join
        "   ) v"
        "   WHERE c.check_group = $1 AND c.ordering_party_id = k.party"
        " ) vol"
        " CROSS JOIN LATERAL ("
        "   SELECT count(*) AS issued, count(*) FILTER (WHERE on_time) AS on_time"
        "   FROM check_notices WHERE check_group = $1 AND ordering_party_id = k.party"
        "     AND issued_at >= k.start_at AND issued_at < k.end_at"
        " ) nts"
        " ORDER BY k.n",
        group,
        [party for party, _ in keys],
        [year for _, (year, _) in keys],
        [week for _, (_, week) in keys],
        [start for start, _ in bounds],
        [end for _, end in bounds],
        int(ActivityType.PERENNIAL),
        sorted(onshore),
    )
    return [_card(party, week, row) for (party, week), row in zip(keys, rows, strict=True)]


def _week_bounds(week: Week) -> tuple[datetime, datetime]:
    """The week's first and last instants, Monday 00:00 to the next in France, in UTC."""
    monday = week_start(*week)
    start, end = (
        datetime.combine(day, time(), PARIS).astimezone(UTC)
        for day in (monday, monday + timedelta(days=7))
    )
    return start, end


def _card(party: str, week: Week, row: asyncpg.Record) -> pb.Scorecard:
    card = pb.Scorecard(
        ordering_party_id=party,
        week=week_label(*week),
        perennial_contacts=row["perennial"],
        labelled_perennial_contacts=row["labelled"],
        notices=row["issued"],
        notices_on_time=row["on_time"],
        handled_contacts=row["handled"],
        offshore_contacts=row["offshore"],
    )
    if row["perennial"]:
        card.labelled_perennial_share = row["labelled"] / row["perennial"]
    if row["issued"]:
        card.notice_compliance_rate = row["on_time"] / row["issued"]
    if row["handled"]:
        card.offshore_share = row["offshore"] / row["handled"]
    return card
