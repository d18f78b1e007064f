"""A contract's page in a real headless Chromium against the running services: reached from a
finding about it, with its parties, notice schedule and findings; for its ordering party the
form « Simuler un changement de charge » (NoticeService.PreviewWorkloadChange): a −40 % cut
previewed with the earliest date and the public holidays counted, and nothing recorded; a
percentage out of the proto's range refused in French with the values kept; the centre sees
the page without the form; another ordering party gets 404. Screenshots land in
test-output/dashboard/."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub

from services.common import wording
from services.common.identity import Role
from services.dashboard import french
from services.rules import calendar, lead_time
from tests.integration import test_dashboard as shared
from tests.integration.dashboard_support import CHROMIUM
from tests.integration.test_dashboard import TODAY, errors_besides, send

# The browser tests' fixtures, for this module too: its own dashboard and story.
addresses, as_, browser, dashboard = shared.addresses, shared.as_, shared.browser, shared.dashboard
story, pool_module = shared.story, shared.pool_module
registry_module, tenders_module = shared.registry_module, shared.tenders_module
referential_module = shared.referential_module

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
# The story's contract is on the sample schedule: more than 30 %, 3 calendar months.
BEYOND_30 = [lead_time.NoticeBand(None, 3, lead_time.LeadTimeUnit.CALENDAR_MONTHS)]
CUT = lead_time.WorkloadChange(Decimal(-40))


@pytest.fixture(scope="module")
async def contract_id(story, addresses, token) -> str:
    """The contract the story's notice breach is about."""
    committee = token(Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        finding = await ComplianceMonitorStub(channel).GetFinding(
            fpb.GetFindingRequest(finding_id=story.notice_breach_id), metadata=committee
        )
    assert finding.contract_id
    return finding.contract_id


def notice_day_with_holidays():
    """The first day from tomorrow whose 3 months' notice run over a public holiday falling
    on a weekday (any will do, but the test must not depend on today's date), with the
    earliest date and those holidays, named in French."""
    notified = TODAY + timedelta(days=1)
    while True:
        earliest = lead_time.earliest_effective_date(BEYOND_30, CUT, notified)
        found = calendar.public_holidays_between(
            notified + timedelta(days=1), earliest, weekdays_only=True
        )
        if found:
            return notified, earliest, [(h.day, wording.render(h.name, "fr")) for h in found]
        notified += timedelta(days=1)


async def notices_of(pool, contract_id: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM notices.notices WHERE contract_id = $1::uuid", contract_id
    )


async def test_the_party_previews_a_cut_and_sees_the_earliest_date_and_the_holidays(
    as_, story, contract_id, pool_module
):
    bank = await as_(Role.ORDERING_PARTY, story.bank)
    page = bank.page
    # From the finding about it, to the contract's page.
    await bank.open(f"/constats/{story.notice_breach_id}")
    async with page.expect_navigation():
        await page.click(f'section.contract a[href="/contrats/{contract_id}"]')
    assert page.url.endswith(f"/contrats/{contract_id}")
    facts = await page.locator("section.contract").inner_text()
    assert story.bank in facts and story.unlabelled in facts and "en cours" in facts
    assert await page.locator("section.notice-schedule tbody tr").count() == 3
    assert "3 mois" in await page.locator("section.notice-schedule").inner_text()
    finding = page.locator(f'li.finding[data-finding-id="{story.notice_breach_id}"]')
    assert await finding.locator(f'a[href="/constats/{story.notice_breach_id}"]').count() == 1
    assert await page.locator("#simulation form").count() == 1
    assert bank.console_errors == []
    await bank.shoot("contrat-vu-du-donneur-d-ordre")

    notified, earliest, holidays = notice_day_with_holidays()
    recorded = await notices_of(pool_module, contract_id)
    await page.check("#simulation input[name=nature][value=pourcentage]")
    await page.fill("#simulation-pourcentage", "-40")
    await page.fill("#simulation-notification", notified.isoformat())
    await page.fill("#simulation-souhaitee", (earliest - timedelta(days=1)).isoformat())
    response = await send(bank, "#simulation button[type=submit]")
    assert response.status == 200
    result = page.locator(".preview-answer")
    assert await result.locator("dd.earliest").inner_text() == french.day(earliest)
    assert "3 mois" in await result.locator("dd.band").inner_text()
    counted = await result.locator("dd.counted").inner_text()
    for day, name in holidays:
        assert f"{name} ({french.day(day)})" in counted
    assert "trop tôt de 1 jour" in await result.locator("dd.desired").inner_text()
    assert "ne respecte pas" in await result.locator(".message").inner_text()
    assert "7 jours ouvrés" in await result.locator("dd.floor").inner_text()
    assert (await result.locator("p.explanation").inner_text()).startswith("Notifiée le ")
    # The values stay in the form for another try; nothing is recorded.
    assert await page.locator("#simulation-pourcentage").input_value() == "-40"
    assert await page.locator("#simulation-notification").input_value() == notified.isoformat()
    assert await notices_of(pool_module, contract_id) == recorded
    assert bank.console_errors == []
    await bank.shoot("contrat-simulation-baisse-40")


async def test_a_bad_percentage_is_refused_in_french_with_the_values_kept(as_, story, contract_id):
    bank = await as_(Role.ORDERING_PARTY, story.bank)
    page = bank.page
    await bank.open(f"/contrats/{contract_id}")
    field = page.locator("#simulation-pourcentage")
    # The proto's bounds, for the browser to check as well.
    assert (await field.get_attribute("min"), await field.get_attribute("max")) == ("-100", "1000")
    await field.fill("-150")
    await page.click("#simulation button[type=submit]")
    assert await field.evaluate("f => f.validity.rangeUnderflow") is True
    assert "/simulation" not in page.url

    # Past the browser's check: the service's refusal, in French, next to the field.
    await page.evaluate("document.querySelector('#simulation form').noValidate = true")
    typed = (TODAY + timedelta(days=3)).isoformat()
    await page.fill("#simulation-notification", typed)
    response = await send(bank, "#simulation button[type=submit]")
    assert response.status == 400
    problem = await page.locator("#simulation-pourcentage-erreur").inner_text()
    assert problem.startswith("Variation (%) : La valeur doit être comprise entre -100 et")
    assert (
        "La simulation n'a pas pu être faite"
        in await page.locator("#simulation .message.error").inner_text()
    )
    assert await field.get_attribute("aria-invalid") == "true"
    assert await field.input_value() == "-150"
    assert await page.locator("#simulation-notification").input_value() == typed
    assert await page.locator(".preview-answer").count() == 0
    assert errors_besides(bank, 400) == []
    await bank.shoot("contrat-simulation-refusee")


async def test_the_centre_and_the_committee_see_the_page_but_not_the_form(as_, story, contract_id):
    for role, org, name in (
        (Role.CENTRE, story.unlabelled, "centre"),
        (Role.COMMITTEE, "committee", "comite"),
    ):
        session = await as_(role, org)
        response = await session.open(f"/contrats/{contract_id}")
        assert response.status == 200
        assert story.bank in await session.page.locator("section.contract").inner_text()
        assert await session.page.locator("#simulation").count() == 0
        finding = f'li.finding[data-finding-id="{story.notice_breach_id}"]'
        assert await session.page.locator(finding).count() == 1
        assert session.console_errors == []
        await session.shoot(f"contrat-vu-du-{name}")
        await session.open("/contrats")
        assert await session.page.locator(f'a[href="/contrats/{contract_id}"]').count() == 1
        # Asked all the same, NoticeService refuses them: said above the form, 403.
        query = urlencode({"nature": "pourcentage", "pourcentage": "-40"})
        response = await session.open(f"/contrats/{contract_id}/simulation?{query}")
        assert response.status == 403
        assert "seul le donneur d'ordre" in await session.page.locator("#simulation").inner_text()
        assert await session.page.locator(".preview-answer").count() == 0


async def test_another_party_gets_404(as_, story, contract_id):
    other = await as_(Role.ORDERING_PARTY, story.other_bank)
    query = urlencode({"nature": "pourcentage", "pourcentage": "-40"})
    for path in (f"/contrats/{contract_id}", f"/contrats/{contract_id}/simulation?{query}"):
        response = await other.open(path)
        assert response.status == 404, path
        html = await other.page.content()
        assert story.bank not in html and story.unlabelled not in html
        assert await other.page.locator(".preview-answer, section.contract").count() == 0
    await other.shoot("contrat-d-un-autre-donneur-d-ordre")
    await other.open("/contrats")
    assert await other.page.locator(f'a[href="/contrats/{contract_id}"]').count() == 0
    assert (await other.open("/contrats/pas-un-identifiant")).status == 404
