"""The ordering party's scorecard page against a ComplianceMonitor that serves GetScorecard as
the proto declares it (the compliance service of this branch does not serve it yet): the
current week's figures in French, and one chart point per week that has a value.

The stand-in serves only what the page asks (GetScorecard, ListFindings); everything else
about the dashboard is tested against the real services in test_dashboard.py."""

from __future__ import annotations

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.common.identity import Role
from tests.integration.conftest import free_port
from tests.integration.dashboard_support import (
    CHROMIUM,
    DashboardProcess,
    chromium_args,
    sign_in,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
PARTY = "banque-exemple"
WEEKS = 13


def week(n: int) -> pb.Scorecard:
    """Week n of 13: notices only on even weeks, so the compliance rate has gaps."""
    card = pb.Scorecard(
        ordering_party_id=PARTY,
        week=f"2026-W{36 + n:02d}",
        perennial_contacts=100_000,
        labelled_perennial_contacts=40_000 + 2_000 * n,
        notices=2 if n % 2 == 0 else 0,
        notices_on_time=1 if n % 2 == 0 else 0,
        handled_contacts=120_000,
        offshore_contacts=6_000 + 1_000 * n,
        open_findings=[
            pb.FindingCount(type=pb.FINDING_TYPE_PURCHASING_PRACTICE, count=2),
            pb.FindingCount(type=pb.FINDING_TYPE_NOTICE_BREACH, count=n // 4),
        ],
    )
    card.labelled_perennial_share = card.labelled_perennial_contacts / card.perennial_contacts
    card.offshore_share = card.offshore_contacts / card.handled_contacts
    if card.notices:
        card.notice_compliance_rate = card.notices_on_time / card.notices
    return card


class Scorecards(compliance_pb2_grpc.ComplianceMonitorServicer):
    async def GetScorecard(self, request, context) -> pb.GetScorecardResponse:
        history = [week(n) for n in range(WEEKS)]
        return pb.GetScorecardResponse(current=history[-1], history=history)

    async def ListFindings(self, request, context) -> pb.ListFindingsResponse:
        return pb.ListFindingsResponse()


@pytest.fixture
async def stand_in():
    server = grpc.aio.server()
    compliance_pb2_grpc.add_ComplianceMonitorServicer_to_server(Scorecards(), server)
    port = server.add_insecure_port(f"127.0.0.1:{free_port()}")
    await server.start()
    yield f"127.0.0.1:{port}"
    await server.stop(0)


async def test_the_scorecard_and_its_weekly_charts(settings, stand_in, tmp_path_factory):
    from playwright.async_api import async_playwright

    unused = f"127.0.0.1:{free_port()}"
    dashboard = DashboardProcess(
        settings,
        tmp_path_factory.mktemp("dashboard-scorecard"),
        {"compliance": stand_in, "labels": unused, "contracts": unused, "notices": unused},
    )
    dashboard.start()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=chromium_args()
            )
            session = await sign_in(
                browser, dashboard.base, settings.token_key, Role.ORDERING_PARTY, PARTY
            )
            response = await session.open(f"/donneurs-d-ordre/{PARTY}")
            page = session.page
            assert response.status == 200
            tiles = await page.locator(".scorecard .tile .figure").all_inner_texts()
            # Week 12: 64 000 of 100 000 labelled; 2 notices, 1 on time; 18 000 of 120 000
            # offshore; 2 + 3 open findings.
            assert tiles == ["64\u00a0%", "50\u00a0%", "15\u00a0%", "5"]
            assert "sem. 48" in await page.locator(".scorecard .week").inner_text()

            shares = page.locator('svg.chart[aria-label="Engagements semaine par semaine (en %)"]')
            # 13 weeks of labelled share and offshore share, 7 of notice compliance.
            assert await shares.get_attribute("data-points") == str(WEEKS + WEEKS + 7)
            rates = await shares.locator(
                'circle.point[data-series="Préavis dans les délais"]'
            ).count()
            assert rates == 7
            open_findings = page.locator(
                'svg.chart[aria-label="Constats ouverts en fin de semaine"]'
            )
            assert await open_findings.locator("circle.point").count() == WEEKS
            assert session.console_errors == []
            await session.shoot("donneur-d-ordre-tableau-de-bord")
            await browser.close()
    finally:
        dashboard.stop()
