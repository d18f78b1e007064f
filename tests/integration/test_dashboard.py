"""The committee's dashboard in a real headless Chromium (Debian's package, driven by
Playwright), against the running services on the real broker and database: every page
loads without a console error, a finding raised by a gRPC call shows up on the live page
without a reload, the filters narrow the list, the charts have one point per value, an
ordering party cannot open another party's pages, a broken or slow backend gives a message
rather than a blank page, and the live feed comes back by itself after the dashboard
restarts. Each page's screenshot lands in test-output/dashboard/."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from aiokafka import AIOKafkaProducer
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1 import events_pb2 as fevents
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import topics
from services.common.clock import french_today
from services.common.envelope import kafka_headers, wrap
from services.common.identity import Role
from services.compliance.checks.findings import finding_from_breach, finding_id
from services.dashboard.findings import PAGE_LIMIT
from services.rules.offshoring import CountryVolume, offshoring_shift
from tests.integration.conftest import free_port, known_to_notices
from tests.integration.dashboard_support import (
    CHROMIUM,
    DashboardProcess,
    SilentServer,
    chromium_args,
    eventually,
    sign_in,
)
from tests.integration.test_contracts_service import bid, new_centre, ordering_party, tender_terms
from tests.integration.test_labels_service import day

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
TODAY = french_today()
WEEKS_ON_PARTY_PAGE = 13  # the current ISO week and the 12 before it


@pytest.fixture(scope="module")
def addresses(labels_service, contracts_service, notices_service, compliance_service):
    return {
        "labels": labels_service.address,
        "contracts": contracts_service.address,
        "notices": notices_service.address,
        "compliance": compliance_service.address,
    }


@pytest.fixture(scope="module")
def dashboard(settings, addresses, compliance_worker, tmp_path_factory):
    process = DashboardProcess(settings, tmp_path_factory.mktemp("dashboard"), addresses)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=chromium_args())
        yield chromium
        await chromium.close()


@pytest.fixture
async def as_(browser, dashboard, settings):
    """as_(role, org): a signed-in browser session, closed after the test."""
    sessions = []

    async def open_session(role: Role, org: str, base: str | None = None):
        sessions.append(
            await sign_in(browser, base or dashboard.base, settings.token_key, role, org)
        )
        return sessions[-1]

    yield open_session
    for session in sessions:
        await session.close()


@pytest.fixture
async def monitor(compliance_service):
    async with grpc.aio.insecure_channel(compliance_service.address) as channel:
        yield ComplianceMonitorStub(channel)


@dataclass
class Story:
    bank: str  # ordering party with the four findings of the demo's story
    other_bank: str  # an ordering party with a finding of its own
    labelled: str
    unlabelled: str  # the centre that won, and got the notice
    tender_id: str
    notice_breach_id: str
    offshoring_id: str
    other_finding_id: str


@pytest.fixture(scope="module")
async def story(
    addresses, settings, registry_module, tenders_module, referential_module, token, pool_module
) -> Story:
    """The demo's story for one bank (payment terms, reverse auction, label preference, notice
    breach), an offshoring finding published on the findings topic as a worker would, and a
    second bank's finding; returned once all are recorded."""
    registry, tenders = registry_module, tenders_module
    bank, other_bank = ordering_party(), ordering_party()
    labelled = await new_centre(registry, token, referential_module, labelled=True)
    unlabelled = await new_centre(registry, token, referential_module, labelled=False)
    registered = await tenders.RegisterTender(
        cpb.RegisterTenderRequest(
            terms=tender_terms(
                payment_terms=cpb.PaymentTerms(days=75),
                auction_type=cpb.AUCTION_TYPE_REVERSE_AUCTION,
            )
        ),
        metadata=token(Role.ORDERING_PARTY, bank),
    )
    tender_id = registered.tender.tender_id
    await bid(tenders, token, tender_id, labelled, 2_600)
    cheap = await bid(tenders, token, tender_id, unlabelled, 2_500)
    for _ in range(100):  # the award needs the labelled centre known as labelled
        status = await pool_module.fetchval(
            "SELECT label_status FROM contracts.centres WHERE centre_id = $1", labelled
        )
        if status == 2:
            break
        await asyncio.sleep(0.05)
    awarded = await tenders.AwardTender(
        cpb.AwardTenderRequest(tender_id=tender_id, bid_id=cheap.bid_id),
        metadata=token(Role.ORDERING_PARTY, bank),
    )
    contract_id = awarded.contract.contract_id
    await known_to_notices(pool_module, contract_id)
    async with grpc.aio.insecure_channel(addresses["notices"]) as channel:
        notice = await NoticeServiceStub(channel).IssueWorkloadChange(
            npb.IssueWorkloadChangeRequest(
                contract_id=contract_id,
                change=npb.WorkloadChange(change_percent=-40),
                effective_date=day(TODAY + timedelta(days=10)),
                reason="internalisation",
            ),
            metadata=token(Role.ORDERING_PARTY, bank),
        )
    other = await tenders.RegisterTender(
        cpb.RegisterTenderRequest(terms=tender_terms(payment_terms=cpb.PaymentTerms(days=90))),
        metadata=token(Role.ORDERING_PARTY, other_bank),
    )
    offshoring = await publish_offshoring_finding(settings.kafka_bootstrap, bank, unlabelled)

    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        monitor = ComplianceMonitorStub(channel)
        committee = token(Role.COMMITTEE, "committee")

        async def recorded(party: str, count: int) -> bool:
            listed = await monitor.ListFindings(
                fpb.ListFindingsRequest(filter=fpb.FindingFilter(ordering_party_id=party)),
                metadata=committee,
            )
            return len(listed.findings) >= count

        # The first findings wait for the checks worker to join its group: generous.
        assert await eventually(lambda: recorded(bank, 5), timeout=120)
        assert await eventually(lambda: recorded(other_bank, 1), timeout=30)
    return Story(
        bank=bank,
        other_bank=other_bank,
        labelled=labelled,
        unlabelled=unlabelled,
        tender_id=tender_id,
        notice_breach_id=finding_id("notice_breach", notice.notice_id),
        offshoring_id=offshoring.finding_id,
        other_finding_id=finding_id("payment_terms", other.tender.tender_id),
    )


async def publish_offshoring_finding(bootstrap: str, party: str, centre: str) -> fpb.Finding:
    """An offshoring shift found by the real rule (France down, Morocco up, over two 4-week
    windows), published on the findings topic exactly as a compliance worker publishes it:
    the dashboard reads it back through the compliance service, like any other finding."""
    year, week = 2026, 20
    history = [
        CountryVolume(party, country, year, w, handled)
        for w in range(week - 7, week + 1)
        for country, handled in (
            ("FR", 10_000 if w <= week - 4 else 6_000),
            ("MA", 1_000 if w <= week - 4 else 4_500),
        )
    ]
    breach = offshoring_shift(history, party, year, week)
    assert breach is not None
    source = Envelope(event_id=str(uuid.uuid4()))
    source.occurred_at.FromDatetime(datetime.now(UTC))
    finding = finding_from_breach(
        breach,
        type=fpb.FINDING_TYPE_OFFSHORING,
        ordering_party_id=party,
        contract_id="",
        centre_id=centre,
        source_envelope=source,
    )
    # The weekly volumes by country, as the checks attach them for a chart.
    series = finding.evidence.get_or_create_list("weekly_handled_by_country")
    for volume in history:
        series.add_struct().update(
            {
                "week": f"{year}-W{volume.week:02d}",
                "country": volume.country,
                "handled": volume.handled,
            }
        )
    raised = wrap(
        topics.FINDINGS,
        fevents.FindingRaised(finding=finding),
        aggregate_id=party,
        producer="vigie-compliance",
        event_id=finding.finding_id,
    )
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            topics.FINDINGS,
            key=raised.key.encode(),
            value=raised.value,
            headers=kafka_headers(raised.event_id, raised.event_type),
        )
    finally:
        await producer.stop()
    return finding


# -- module-scoped clients for the story (the package's are per test) ------------------------


@pytest.fixture(scope="module")
async def registry_module(labels_service):
    from vigie.labels.v1.labels_pb2_grpc import LabelRegistryStub

    async with grpc.aio.insecure_channel(labels_service.address) as channel:
        yield LabelRegistryStub(channel)


@pytest.fixture(scope="module")
async def tenders_module(contracts_service):
    from vigie.contracts.v1.contracts_pb2_grpc import TenderServiceStub

    async with grpc.aio.insecure_channel(contracts_service.address) as channel:
        yield TenderServiceStub(channel)


@pytest.fixture(scope="module")
async def referential_module(registry_module, token):
    from google.protobuf import json_format
    from vigie.labels.v1.labels_pb2 import PublishReferentialRequest

    from services.cli.demo import SAMPLE_REFERENTIAL

    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), PublishReferentialRequest())
    return await registry_module.PublishReferential(
        request, metadata=token(Role.COMMITTEE, "committee")
    )


@pytest.fixture(scope="module")
async def pool_module(settings):
    import asyncpg

    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=2)
    yield pool
    await pool.close()


# -- the tests -------------------------------------------------------------------------------


async def test_a_finding_raised_over_grpc_appears_on_the_live_page_without_a_reload(
    as_, story, tenders_module, token
):
    party = ordering_party()
    committee = await as_(Role.COMMITTEE, "committee")
    await committee.open(f"/constats?donneur={party}")
    page = committee.page
    await page.wait_for_selector("#live-status.ok", timeout=10_000)
    assert await page.locator("li.finding").count() == 0
    # Set on this document only: a reload would lose it.
    await page.evaluate("window.sameDocument = true")

    registered = await tenders_module.RegisterTender(
        cpb.RegisterTenderRequest(terms=tender_terms(payment_terms=cpb.PaymentTerms(days=75))),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    expected = finding_id("payment_terms", registered.tender.tender_id)

    row = page.locator(f'li.finding[data-finding-id="{expected}"]')
    await row.wait_for(timeout=15_000)
    assert await page.evaluate("window.sameDocument") is True
    assert "L441-10" in await row.locator(".reference").inner_text()
    assert "Grave" in await row.locator(".badge").first.inner_text()
    assert await page.locator("li.finding").count() == 1, "a finding shown twice"
    assert committee.console_errors == []
    await committee.shoot("constats-en-direct-nouveau")


async def test_the_filters_narrow_the_list(as_, story):
    committee = await as_(Role.COMMITTEE, "committee")
    await committee.open("/constats")
    page = committee.page
    parties = await page.locator("li.finding").evaluate_all("rs => rs.map(r => r.dataset.party)")
    # The newest findings of every party, at most a page of them (other tests' findings too).
    assert len(set(parties)) > 1 and len(parties) <= PAGE_LIMIT
    recorded = await page.locator("li.finding").evaluate_all(
        "rs => rs.map(r => Number(r.dataset.recordedAt))"
    )
    assert recorded == sorted(recorded, reverse=True)
    assert committee.console_errors == []
    await committee.shoot("constats-en-direct")

    # One ordering party, typed in the filter form.
    await page.fill("input[name=donneur]", story.bank)
    await page.click("form.filters button")
    await page.wait_for_load_state("load")
    rows = page.locator("li.finding")
    assert await rows.count() == 5
    assert set(await rows.evaluate_all("rs => rs.map(r => r.dataset.party)")) == {story.bank}

    # ... and only the serious ones.
    await page.select_option("select[name=gravite]", str(fpb.SEVERITY_SERIOUS))
    await page.click("form.filters button")
    await page.wait_for_load_state("load")
    severities = set(await rows.evaluate_all("rs => rs.map(r => r.dataset.severity)"))
    assert severities == {str(fpb.SEVERITY_SERIOUS)}
    assert 0 < await rows.count() < 5

    # ... of one type.
    await page.select_option("select[name=gravite]", "")
    await page.select_option("select[name=type]", str(fpb.FINDING_TYPE_NOTICE_BREACH))
    await page.click("form.filters button")
    await page.wait_for_load_state("load")
    assert await rows.evaluate_all("rs => rs.map(r => r.dataset.findingId)") == [
        story.notice_breach_id
    ]

    # Since tomorrow: nothing yet.
    await committee.open(f"/constats?donneur={story.bank}&depuis={TODAY + timedelta(days=1)}")
    assert await rows.count() == 0
    assert await page.locator("#findings-empty").is_visible()
    await page.wait_for_selector("#live-status.ok", timeout=10_000)
    assert committee.console_errors == []
    await committee.shoot("constats-filtres")


async def test_the_ordering_party_page_charts_one_point_per_week(as_, story):
    committee = await as_(Role.COMMITTEE, "committee")
    response = await committee.open(f"/donneurs-d-ordre/{story.bank}")
    page = committee.page
    assert response.status == 200
    weekly = page.locator('svg.chart[aria-label="Constats enregistrés par semaine"]')
    assert await weekly.locator("circle.point").count() == WEEKS_ON_PARTY_PAGE
    values = await weekly.locator("circle.point").evaluate_all(
        "ps => ps.map(p => Number(p.dataset.value))"
    )
    assert sum(values) == 5 and values[-1] == 5  # all recorded this week
    scorecard = page.locator("section.scorecard")
    if await scorecard.locator(".message").count():
        # GetScorecard not served yet by this compliance service: said plainly.
        assert "GetScorecard" in await scorecard.locator(".message").inner_text()
    else:
        assert await scorecard.locator("svg.chart").count() == 2
    assert await page.locator("table.findings-by-type tbody tr").count() == 4
    assert committee.console_errors == []
    await committee.shoot("donneur-d-ordre")


async def test_a_notice_breach_shows_its_lead_times_on_a_calendar_with_the_holidays(as_, story):
    committee = await as_(Role.COMMITTEE, "committee")
    response = await committee.open(f"/constats/{story.notice_breach_id}")
    page = committee.page
    assert response.status == 200
    assert "3 mois" in await page.locator("section.lead-time").inner_text()
    effective = (TODAY + timedelta(days=10)).isoformat()
    assert await page.locator(f'td.effective[data-date="{effective}"]').count() == 1
    assert await page.locator("td.notified").count() == 1
    assert await page.locator("td.deadline").count() == 1
    # The three months the contract asks, and the nine days given (the notice day does not
    # count), drawn day by day.
    assert await page.locator("td.required").count() >= 89
    assert await page.locator("td.actual").count() == 9
    assert await page.locator("td.holiday").count() >= 1  # 3 months always hold one
    assert committee.console_errors == []
    await committee.shoot("constat-preavis")


async def test_an_offshoring_finding_charts_the_weekly_volumes_by_country(as_, story):
    committee = await as_(Role.COMMITTEE, "committee")
    response = await committee.open(f"/constats/{story.offshoring_id}")
    page = committee.page
    assert response.status == 200
    chart = page.locator("section.evidence-chart svg.chart")
    assert await chart.get_attribute("data-points") == "16"  # 2 countries × 8 weeks
    values = await chart.locator("circle.point").evaluate_all(
        "ps => ps.map(p => [p.dataset.series, Number(p.dataset.value)])"
    )
    assert values == [
        *[["France", 10_000]] * 4,
        *[["France", 6_000]] * 4,
        *[["Maroc", 1_000]] * 4,
        *[["Maroc", 4_500]] * 4,
    ]
    labels = await chart.locator("text.x-label").evaluate_all("ts => ts.map(t => t.textContent)")
    assert labels[0] == "sem. 13" and labels[-1] == "sem. 20"
    assert committee.console_errors == []
    await committee.shoot("constat-delocalisation")


async def test_an_ordering_party_cannot_open_another_partys_pages(as_, story):
    bank = await as_(Role.ORDERING_PARTY, story.other_bank)
    page = bank.page

    # Its own page and findings: only its own.
    response = await bank.open(f"/donneurs-d-ordre/{story.other_bank}")
    assert response.status == 200
    await bank.open("/constats")
    parties = await page.locator("li.finding").evaluate_all("rs => rs.map(r => r.dataset.party)")
    assert parties and set(parties) == {story.other_bank}
    assert bank.console_errors == []

    # The other bank's: 403, and nothing of it on the page.
    for path in (f"/donneurs-d-ordre/{story.bank}", f"/constats?donneur={story.bank}"):
        response = await bank.open(path)
        assert response.status == 403, path
        html = await page.content()
        assert story.tender_id not in html and story.notice_breach_id not in html
        assert await page.locator("li.finding, svg.chart").count() == 0
    await bank.shoot("donneur-d-ordre-acces-refuse")
    feed = await page.request.get(f"{bank.base}/flux/constats?donneur={story.bank}")
    assert feed.status == 403
    # Nor sign anyone in (or out) from a form on another site.
    posted = await page.request.post(
        f"{bank.base}/connexion",
        form={"jeton": "x"},
        headers={"Origin": "http://ailleurs.example"},
        max_redirects=0,
    )
    assert posted.status == 403
    # Another party's finding does not exist for it.
    response = await bank.open(f"/constats/{story.notice_breach_id}")
    assert response.status == 404
    assert story.bank not in await page.content()


async def test_centres_show_label_sites_and_each_ones_alerts_to_whom_may_see_them(as_, story):
    committee = await as_(Role.COMMITTEE, "committee")
    await committee.open("/centres")
    page = committee.page
    labelled = page.locator(f'article.centre[data-centre-id="{story.labelled}"]')
    assert "Labellisé" in await labelled.locator(".label").inner_text()
    assert "Valide du" in await labelled.locator(".label").inner_text()
    assert "France" in await labelled.locator(".sites").inner_text()
    winner = page.locator(f'article.centre[data-centre-id="{story.unlabelled}"]')
    assert "Non labellisé" in await winner.locator(".label").inner_text()
    assert committee.console_errors == []
    await committee.shoot("centres")

    # Filtered on the label status, the unlabelled centre is gone.
    await page.select_option("select[name=statut]", "2")
    await page.click("form.filters button")
    await page.wait_for_load_state("load")
    assert await labelled.count() == 1 and await winner.count() == 0

    # One centre's page has all its alerts (the list has them for the first centres only).
    await committee.open(f"/centres/{story.unlabelled}")
    assert await page.locator("li.alert").count() == 2  # the notice, and its breach
    assert committee.console_errors == []
    await committee.shoot("centre")

    centre = await as_(Role.CENTRE, story.unlabelled)
    await centre.open("/centres")
    cards = centre.page.locator("article.centre")
    assert await cards.evaluate_all("cs => cs.map(c => c.dataset.centreId)") == [story.unlabelled]
    assert await cards.locator("li.alert").count() == 2
    assert centre.console_errors == []
    await centre.shoot("centres-vue-du-centre")
    response = await centre.open(f"/centres/{story.labelled}")
    assert response.status == 403
    response = await centre.open("/constats")
    assert response.status == 200  # only the findings about it, which it may contest
    parties = await centre.page.locator("li.finding").evaluate_all(
        "rs => rs.map(r => r.dataset.party)"
    )
    assert story.bank in parties and story.other_bank not in parties

    bank = await as_(Role.ORDERING_PARTY, story.bank)
    await bank.open("/centres")
    assert await bank.page.locator("article.centre").count() >= 2
    assert await bank.page.locator("li.alert").count() == 0  # alerts are not the party's


async def test_broken_or_slow_backends_give_a_message_not_a_blank_page(
    as_, settings, addresses, tmp_path_factory
):
    slow = SilentServer()
    down = f"127.0.0.1:{free_port()}"  # nobody listens there: a backend that is down
    broken = DashboardProcess(
        settings,
        tmp_path_factory.mktemp("dashboard-broken"),
        addresses | {"compliance": down, "labels": slow.address},
        VIGIE_DASHBOARD_BACKEND_TIMEOUT="1",
    )
    broken.start()
    try:
        committee = await as_(Role.COMMITTEE, "committee", base=broken.base)
        await committee.open("/constats")
        page = committee.page
        assert "injoignable" in await page.locator(".message").first.inner_text()
        status = page.locator("#live-status")
        await page.wait_for_selector("#live-status.retry", timeout=10_000)
        assert "reconnexion" in (await status.inner_text()).lower()
        await committee.shoot("panne-constats")

        response = await committee.open("/centres")
        assert response.status == 200
        assert "trop lent" in await page.locator(".message").inner_text()
        assert committee.console_errors == []
        await committee.shoot("panne-centres")

        await committee.open("/donneurs-d-ordre/quelquun")
        messages = await page.locator(".message").all_inner_texts()
        assert any("GetScorecard" in m for m in messages) and any(
            "injoignable" in m for m in messages
        )
        await committee.shoot("panne-donneur-d-ordre")
    finally:
        broken.stop()
        slow.close()


async def test_the_live_feed_reconnects_by_itself_when_the_dashboard_restarts(
    as_, settings, addresses, story, tenders_module, token, tmp_path_factory
):
    restarted = DashboardProcess(settings, tmp_path_factory.mktemp("dashboard-restart"), addresses)
    restarted.start()
    try:
        party = ordering_party()
        committee = await as_(Role.COMMITTEE, "committee", base=restarted.base)
        await committee.open(f"/constats?donneur={party}")
        page = committee.page
        await page.wait_for_selector("#live-status.ok", timeout=10_000)
        await page.evaluate("window.sameDocument = true")

        restarted.stop()
        await page.wait_for_selector("#live-status.retry", timeout=10_000)
        restarted.start()
        await page.wait_for_selector("#live-status.ok", timeout=15_000)

        registered = await tenders_module.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms(payment_terms=cpb.PaymentTerms(days=75))),
            metadata=token(Role.ORDERING_PARTY, party),
        )
        expected = finding_id("payment_terms", registered.tender.tender_id)
        await page.locator(f'li.finding[data-finding-id="{expected}"]').wait_for(timeout=15_000)
        assert await page.evaluate("window.sameDocument") is True
        await committee.shoot("constats-apres-reconnexion")
    finally:
        restarted.stop()


# -- a finding's lifecycle through the forms of its page --------------------------------------
# The story is shared by the module's tests: each test moves a finding of its own (the notice
# breach, the offshoring shift, or one raised for it), so that none depends on another's order.

FORMS = ("#contestation", "#decision", "#cloture", "#reouverture")


async def send(session, button: str):
    """Click a form's button; the response the page ends on (after a redirect, the last)."""
    async with session.page.expect_navigation() as navigation:
        await session.page.click(button)
    return await navigation.value


def errors_besides(session, status: int) -> list[str]:
    """The console's errors, but Chromium's report of the page's own 4xx status."""
    return [m for m in session.console_errors if f"status of {status} " not in m]


async def forms_shown(session) -> set[str]:
    return {form for form in FORMS if await session.page.locator(f"section{form}").count()}


async def state_shown(session) -> str:
    return await session.page.locator("section.finding-detail span.state").inner_text()


async def raised_for_a_new_party(tenders, token, monitor) -> tuple[str, str]:
    """A new ordering party's tender with 75-day payment terms: its finding, once recorded."""
    party = ordering_party()
    registered = await tenders.RegisterTender(
        cpb.RegisterTenderRequest(terms=tender_terms(payment_terms=cpb.PaymentTerms(days=75))),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    raised = finding_id("payment_terms", registered.tender.tender_id)

    async def recorded() -> bool:
        try:
            await monitor.GetFinding(
                fpb.GetFindingRequest(finding_id=raised), metadata=token(Role.COMMITTEE, "c")
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return False
            raise
        return True

    assert await eventually(recorded, timeout=30)
    return party, raised


async def test_the_party_contests_through_the_form_and_the_committee_dismisses_the_contest(
    as_, story
):
    """The notice breach: its ordering party contests it on its page; the committee finds it
    among the contested findings and dismisses the contest; the history says who did what,
    for the committee, the party and the centre concerned alike. A second committee member
    who had the page open rules too late: refused, in French, with the text kept."""
    url = f"/constats/{story.notice_breach_id}"
    bank = await as_(Role.ORDERING_PARTY, story.bank)
    await bank.open(url)
    page = bank.page
    assert await state_shown(bank) == "Ouvert"
    assert await forms_shown(bank) == {"#contestation"}
    grounds = page.locator("#contestation-motifs")
    # The proto's lengths, for the browser to check as well.
    assert await grounds.get_attribute("minlength") == "20"
    assert await grounds.get_attribute("maxlength") == "4000"
    assert await grounds.get_attribute("required") is not None
    assert await page.locator("#contestation-piece_jointe").get_attribute("maxlength") == "20000"
    # Line breaks (CRLF from the browser) reach the service as typed.
    typed = "Le préavis a été donné par courrier le mois précédent.\nAccusé de réception joint."
    letter = "Courrier du 3 novembre : « nous réduisons le volume de 40 % au 1er décembre »."
    await grounds.fill(typed)
    await page.fill("#contestation-piece_jointe", letter)
    response = await send(bank, "#contestation button[type=submit]")
    assert response.status == 200 and response.url.endswith("?fait=contestation")
    assert "contestation est enregistrée" in await page.locator(".message.info").inner_text()
    assert await state_shown(bank) == "Contesté"
    assert await forms_shown(bank) == set()  # contested once
    history = page.locator("section.history")
    assert f"le donneur d'ordre ({story.bank})" in await history.inner_text()
    assert typed.split("\n")[1] in await history.inner_text()
    assert letter in await history.locator("pre.attachment").inner_text()
    assert bank.console_errors == []
    await bank.shoot("constat-contestation-envoyee")

    # The committee: under « contestés », the notice breach, and contested findings only.
    committee = await as_(Role.COMMITTEE, "committee")
    late = await as_(Role.COMMITTEE, "committee-bis")
    await committee.open("/constats")
    await committee.page.select_option("select[name=etat]", str(fpb.FINDING_STATE_CONTESTED))
    await send(committee, "form.filters button")
    rows = committee.page.locator("li.finding")
    assert set(await rows.evaluate_all("rs => rs.map(r => r.dataset.state)")) == {"2"}
    row = committee.page.locator(f'li.finding[data-finding-id="{story.notice_breach_id}"]')
    assert await row.locator(".badge.state").inner_text() == "Contesté"
    assert committee.console_errors == []
    await committee.shoot("constats-contestes")

    await committee.open(url)
    await late.open(url)
    assert await forms_shown(committee) == {"#decision"}
    await committee.page.check("#decision input[name=decision][value=rejeter]")
    reasons = "Le contrat exige trois mois de préavis ; un courrier ne les remplace pas."
    await committee.page.fill("#decision-motifs", reasons)
    response = await send(committee, "#decision button[type=submit]")
    assert response.status == 200
    assert await state_shown(committee) == "Contestation rejetée"
    # A dismissed contest leaves the finding standing: remedied later, or reopened.
    assert await forms_shown(committee) == {"#cloture", "#reouverture"}
    history = await committee.page.locator("section.history").inner_text()
    assert f"le donneur d'ordre ({story.bank})" in history
    assert "le comité du label (committee)" in history and reasons in history
    assert committee.console_errors == []
    await committee.shoot("constat-contestation-rejetee")

    # Ruled on already: the late ruling is refused (FAILED_PRECONDITION), its text kept.
    await late.page.check("#decision input[name=decision][value=admettre]")
    await late.page.fill("#decision-motifs", "Le courrier suffit.")
    response = await send(late, "#decision button[type=submit]")
    assert response.status == 409
    message = await late.page.locator("#decision .message.error").inner_text()
    assert "La décision n'a pas été enregistrée" in message
    assert "« Contestation rejetée »" in message
    assert await late.page.locator("#decision-motifs").input_value() == "Le courrier suffit."
    assert await late.page.locator("#decision input[value=admettre]").is_checked()
    assert await state_shown(late) == "Contestation rejetée"
    assert errors_besides(late, 409) == []
    await late.shoot("constat-decision-trop-tard")

    # The party, and the centre concerned, read the same history; neither may act now.
    centre = await as_(Role.CENTRE, story.unlabelled)
    for session, name in ((bank, "donneur-d-ordre"), (centre, "centre")):
        response = await session.open(url)
        assert response.status == 200
        assert await state_shown(session) == "Contestation rejetée"
        history = await session.page.locator("section.history").inner_text()
        assert "les contrôles automatiques" in history  # raised
        assert f"le donneur d'ordre ({story.bank})" in history and reasons in history
        assert await forms_shown(session) == set()
        assert session.console_errors == []
        await session.shoot(f"constat-historique-vu-du-{name}")
    # The centre does not get a link to the ordering party's page, which it may not open.
    assert await centre.page.locator(f'a[href="/donneurs-d-ordre/{story.bank}"]').count() == 0


async def test_the_centre_concerned_contests_through_the_form(as_, story):
    """The offshoring shift is about the centre whose jobs are at stake: it finds it among its
    findings and contests it; a centre it is not about does not even see it."""
    centre = await as_(Role.CENTRE, story.unlabelled)
    await centre.open("/constats")
    ids = await centre.page.locator("li.finding").evaluate_all(
        "rs => rs.map(r => r.dataset.findingId)"
    )
    assert story.offshoring_id in ids and story.other_finding_id not in ids
    await centre.page.click(f'li.finding[data-finding-id="{story.offshoring_id}"] h3 a')
    await centre.page.wait_for_load_state("load")
    assert await state_shown(centre) == "Ouvert"
    assert await forms_shown(centre) == {"#contestation"}
    grounds = (
        "Le volume a baissé en France parce que la campagne d'hiver est finie, pas délocalisé."
    )
    await centre.page.fill("#contestation-motifs", grounds)
    response = await send(centre, "#contestation button[type=submit]")
    assert response.status == 200
    assert await state_shown(centre) == "Contesté"
    history = await centre.page.locator("section.history").inner_text()
    assert f"le centre ({story.unlabelled})" in history and grounds in history
    assert centre.console_errors == []
    await centre.shoot("constat-conteste-par-le-centre")

    other = await as_(Role.CENTRE, story.labelled)
    response = await other.open(f"/constats/{story.offshoring_id}")
    assert response.status == 404
    assert await other.page.locator("form.lifecycle").count() == 0


async def test_the_committee_closes_a_finding_and_reopens_it(
    as_, story, tenders_module, token, monitor
):
    """Closing (remedied) and reopening, each with its reason; only the committee has the forms,
    and a party posting to them is refused."""
    party, raised = await raised_for_a_new_party(tenders_module, token, monitor)
    url = f"/constats/{raised}"
    committee = await as_(Role.COMMITTEE, "committee")
    await committee.open(url)
    page = committee.page
    assert await state_shown(committee) == "Ouvert"
    # The figures in French, not as the evidence's fixed records ("75 days").
    figures = await page.locator("section.evidence").inner_text()
    assert "75 jours" in figures and "days" not in figures
    assert await forms_shown(committee) == {"#cloture"}
    assert await page.locator("#cloture-motif").get_attribute("minlength") == "3"
    assert await page.locator("#cloture-motif").get_attribute("maxlength") == "2000"
    closing = "Délais de paiement ramenés à 60 jours par avenant."
    await page.fill("#cloture-motif", closing)
    response = await send(committee, "#cloture button[type=submit]")
    assert response.status == 200
    assert await state_shown(committee) == "Remédié (clos)"
    assert await forms_shown(committee) == {"#reouverture"}
    await committee.shoot("constat-clos")

    reopening = "L'avenant n'a jamais été signé."
    await page.fill("#reouverture-motif", reopening)
    response = await send(committee, "#reouverture button[type=submit]")
    assert response.status == 200
    assert await state_shown(committee) == "Ouvert"
    assert await forms_shown(committee) == {"#cloture"}
    history = page.locator("section.history tbody tr")
    assert await history.count() == 3  # raised, closed, reopened
    assert "Remédié (clos)" in await history.nth(1).inner_text()
    assert closing in await history.nth(1).inner_text()
    assert reopening in await history.nth(2).inner_text()
    assert "le comité du label (committee)" in await history.nth(2).inner_text()
    assert committee.console_errors == []
    await committee.shoot("constat-rouvert")
    # A form's address opened rather than posted leads back to the finding.
    response = await committee.open(f"{url}/cloture")
    assert response.status == 200 and response.url.endswith(url)

    # The party has the contest form on its own finding, never the committee's.
    bank = await as_(Role.ORDERING_PARTY, party)
    await bank.open(url)
    assert await forms_shown(bank) == {"#contestation"}
    refused = await bank.page.request.post(
        f"{bank.base}{url}/cloture", form={"motif": "Je m'en occupe."}, max_redirects=0
    )
    assert refused.status == 403
    assert "Seul le comité du label" in await refused.text()


async def test_grounds_too_short_or_empty_are_refused_in_french_with_the_text_kept(
    as_, story, tenders_module, token, monitor
):
    party, raised = await raised_for_a_new_party(tenders_module, token, monitor)
    bank = await as_(Role.ORDERING_PARTY, party)
    await bank.open(f"/constats/{raised}")
    page = bank.page
    grounds = page.locator("#contestation-motifs")

    # Empty: the browser itself holds the form back (required).
    await page.click("#contestation button[type=submit]")
    assert await grounds.evaluate("t => t.validity.valueMissing") is True
    assert page.url.endswith(f"/constats/{raised}")

    # Long enough for the browser, too short for the service once the spaces are left out.
    short = "Pas d'accord." + " " * 10
    letter = "Copie du contrat signé."
    await grounds.fill(short)
    await page.fill("#contestation-piece_jointe", letter)
    response = await send(bank, "#contestation button[type=submit]")
    assert response.status == 400
    assert (
        "La contestation n'a pas été enregistrée"
        in await page.locator("#contestation .message.error").inner_text()
    )
    problem = await page.locator("#contestation-motifs-erreur").inner_text()
    assert "20 caractères au moins" in problem and "vous en avez saisi 13" in problem
    assert await grounds.get_attribute("aria-invalid") == "true"
    assert await grounds.input_value() == short
    assert await page.locator("#contestation-piece_jointe").input_value() == letter
    assert await state_shown(bank) == "Ouvert"
    assert errors_besides(bank, 400) == []
    await bank.shoot("constat-contestation-trop-courte")

    # Empty, past the browser's check: the service's refusal, said in French.
    await grounds.fill("")
    await page.evaluate("document.querySelector('#contestation form').noValidate = true")
    response = await send(bank, "#contestation button[type=submit]")
    assert response.status == 400
    assert "à remplir" in await page.locator("#contestation-motifs-erreur").inner_text()
    assert await page.locator("#contestation-piece_jointe").input_value() == letter
    await bank.shoot("constat-contestation-vide")
    contested = await monitor.GetFindingHistory(
        fpb.GetFindingHistoryRequest(finding_id=raised), metadata=token(Role.COMMITTEE, "c")
    )
    assert [t.to_state for t in contested.transitions] == [fpb.FINDING_STATE_OPEN]


async def test_a_party_has_no_form_on_another_partys_finding(as_, story, monitor, token):
    """The other bank's finding does not exist for the bank: no page, no form, and a contest
    posted all the same changes nothing."""
    url = f"/constats/{story.other_finding_id}"
    owner = await as_(Role.ORDERING_PARTY, story.other_bank)
    await owner.open(url)
    assert await forms_shown(owner) == {"#contestation"}

    bank = await as_(Role.ORDERING_PARTY, story.bank)
    response = await bank.open(url)
    assert response.status == 404
    assert await bank.page.locator("form.lifecycle").count() == 0
    assert story.other_bank not in await bank.page.content()
    await bank.shoot("constat-d-un-autre-donneur-d-ordre")
    posted = await bank.page.request.post(
        f"{bank.base}{url}/contestation",
        form={"motifs": "Ce constat ne me concerne pas, mais je le conteste quand même."},
        max_redirects=0,
    )
    assert posted.status == 404
    assert "introuvable" in await posted.text()
    found = await monitor.GetFinding(
        fpb.GetFindingRequest(finding_id=story.other_finding_id),
        metadata=token(Role.COMMITTEE, "committee"),
    )
    assert found.state == fpb.FINDING_STATE_OPEN
