"""The lifecycle's migration on findings recorded before it: a closed finding becomes
REMEDIED with its closing in the history, the others OPEN; once the monitor has started, the
centres concerned read them and the closing reason is in the history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb

from services.common.identity import Caller, Role
from services.common.live import Notifications
from services.compliance.monitor import store
from services.compliance.monitor.unit_of_work import PostgresUnitsOfWork
from services.compliance.monitor.usecases import Monitor
from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration
MIGRATIONS = ROOT / "services" / "compliance" / "migrations"


def old_finding(party: str, centre: str, closed: datetime | None) -> fpb.Finding:
    found = fpb.Finding(
        finding_id=str(uuid.uuid4()),
        type=fpb.FINDING_TYPE_NOTICE_BREACH,
        rule="notice_breach",
        ordering_party_id=party,
        centre_id=centre,
        summary="notice too short",
    )
    if closed:
        found.closed_at.FromDatetime(closed)
        found.closing_reason = "the schedule was kept since"
    return found


@pytest.fixture
async def upgraded_schema(settings):
    """A schema of its own at migration 0003, with two findings, then 0004 and later."""
    schema = f"upgrade_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(settings.database_url)
    await conn.execute(f"CREATE SCHEMA {schema}")
    await conn.execute(f"SET search_path TO {schema}")
    for name in ("0001-findings.sql", "0002-checks.sql", "0003-closing-and-scorecards.sql"):
        await conn.execute((MIGRATIONS / name).read_text())
    yield conn, schema
    await conn.execute(f"DROP SCHEMA {schema} CASCADE")
    await conn.close()


async def test_findings_recorded_before_the_lifecycle_get_their_state_and_history(
    upgraded_schema, settings
):
    conn, schema = upgraded_schema
    recorded = datetime.now(UTC) - timedelta(days=3)
    closed_at = recorded + timedelta(days=1)
    party = "op-upgrade"
    standing = old_finding(party, "ctr-a", None)
    closed = old_finding(party, "ctr-b", closed_at)
    for seq, found in enumerate((standing, closed), start=1):
        await conn.execute(
            "INSERT INTO findings (finding_id, seq, type, severity, ordering_party_id, document,"
            " recorded_at, closed_at) VALUES ($1, $2, $3, 0, $4, $5, $6, $7)",
            found.finding_id,
            seq,
            found.type,
            party,
            found.SerializeToString(),
            recorded,
            closed_at if found.HasField("closed_at") else None,
        )
    await conn.execute((MIGRATIONS / "0004-finding-lifecycle.sql").read_text())
    states = dict(await conn.fetch("SELECT finding_id::text, state FROM findings"))
    assert states == {standing.finding_id: 1, closed.finding_id: 5}
    # Then every later migration, as an upgrade to this version applies them.
    for later in sorted(MIGRATIONS.glob("*.sql")):
        if later.name > "0004-finding-lifecycle.sql":
            await conn.execute(later.read_text())

    pool = await asyncpg.create_pool(
        settings.database_url, min_size=1, max_size=2, server_settings={"search_path": schema}
    )
    try:
        monitor = Monitor(PostgresUnitsOfWork(pool), Notifications(pool, store.FINDINGS_CHANNEL))
        assert await monitor.fill_in() == 2
        assert await monitor.fill_in() == 0
        centre_b = Caller(Role.CENTRE, "ctr-b", "centre:ctr-b")
        seen = await monitor.get(centre_b, closed.finding_id)
        assert (seen.state, seen.revision) == (fpb.FINDING_STATE_REMEDIED, 1)
        changes = await monitor.history(centre_b, closed.finding_id)
        assert [(t.from_state, t.to_state) for t in changes] == [
            (fpb.FINDING_STATE_UNSPECIFIED, fpb.FINDING_STATE_OPEN),
            (fpb.FINDING_STATE_OPEN, fpb.FINDING_STATE_REMEDIED),
        ]
        assert changes[1].reason == "the schedule was kept since"
        assert changes[1].at.ToDatetime(tzinfo=UTC) == closed_at
        listed = await monitor.list(centre_b, fpb.ListFindingsRequest())
        assert [f.finding_id for f in listed] == [closed.finding_id]
        opened = await monitor.get(
            Caller(Role.CENTRE, "ctr-a", "centre:ctr-a"), standing.finding_id
        )
        assert opened.state == fpb.FINDING_STATE_OPEN
    finally:
        await pool.close()
