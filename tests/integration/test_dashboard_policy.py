"""The page « Politique du comité » in a real headless Chromium against the running services:
the committee publishes a version changing one threshold from the form and sees it listed
« à venir » with the change; a version effective today is refused with the reason next to the
date, the values typed kept; an ordering party reads the page without the form, and its
POST gets 403; a finding's page names the policy version that produced it. Screenshots land
in test-output/dashboard/."""

from __future__ import annotations

import grpc
import pytest
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub
from vigie.policy.v1 import policy_pb2 as pb
from vigie.policy.v1.policy_pb2_grpc import PolicyServiceStub

from services.common.identity import Role
from services.common.protos import to_date
from services.dashboard import french
from tests.integration import test_dashboard as shared
from tests.integration.dashboard_support import CHROMIUM
from tests.integration.test_dashboard import TODAY, errors_besides, send
from tests.integration.test_policy import next_version

# The browser tests' fixtures, for this module too: its own dashboard and story.
addresses, as_, browser, dashboard = shared.addresses, shared.as_, shared.browser, shared.dashboard
story, pool_module = shared.story, shared.pool_module
registry_module, tenders_module = shared.registry_module, shared.tenders_module
referential_module = shared.referential_module

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
RATIONALE = "Délibération du comité du label : tolérance des variations de charge ramenée."


async def test_the_committee_publishes_a_version_listed_as_coming_with_its_change(
    as_, addresses, token
):
    committee = token(Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        new = await next_version(PolicyServiceStub(channel), committee)
    latest_tolerance = new.workload.tolerance_percent
    changed = 11 if latest_tolerance != 11 else 12
    effective = to_date(new.effective_from)

    session = await as_(Role.COMMITTEE, "committee")
    page = session.page
    response = await session.open("/politique")
    assert response.status == 200
    assert "en vigueur" in await page.locator("section.policy-version .facts").inner_text()
    assert await page.locator("section.policy-area").count() == 7
    field = page.locator("#publication-workload\\.tolerance_percent")
    # Prefilled from the latest version, with the proto's bounds.
    assert await field.input_value() == str(latest_tolerance)
    assert (await field.get_attribute("min"), await field.get_attribute("max")) == ("1", "100")
    await session.shoot("politique-vue-du-comite")

    await field.fill(str(changed))
    await page.fill("#publication-effective_from", effective.isoformat())
    await page.fill("#publication-rationale", RATIONALE)
    response = await send(session, "#publication button[type=submit]")
    assert response.status == 200
    assert page.url.split("#")[0].endswith(f"/politique/{new.version}?fait=publication")
    assert f"La version {new.version} est publiée" in await page.locator(".message").inner_text()
    shown = await page.locator("section.policy-version").inner_text()
    assert french.day(effective) in shown and "à venir" in shown and RATIONALE in shown
    rows = page.locator("table.policy-changes tbody tr")
    assert await rows.count() == 1
    assert await rows.first.locator("td").all_inner_texts() == [
        "Écart au plan sans changement de charge",
        f"±\u00a0{latest_tolerance}\u00a0%",
        f"±\u00a0{changed}\u00a0%",
    ]
    listed = page.locator("table.policy-versions tbody tr").first
    assert (await listed.locator("td").all_inner_texts())[0] == f"Version {new.version}"
    assert "à venir" in await listed.inner_text()
    assert session.console_errors == []
    await session.shoot("politique-version-publiee")

    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        got = await PolicyServiceStub(channel).GetPolicy(
            pb.GetPolicyRequest(version=new.version), metadata=committee
        )
    assert got.policy.workload.tolerance_percent == changed
    assert got.rationale == RATIONALE


async def test_a_version_effective_today_is_refused_next_to_its_date(as_, addresses, token):
    committee = token(Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        before = await PolicyServiceStub(channel).ListPolicies(
            pb.ListPoliciesRequest(), metadata=committee
        )
    session = await as_(Role.COMMITTEE, "committee")
    page = session.page
    await session.open("/politique")
    # Past the browser's own check of the date's minimum: the service's refusal.
    await page.evaluate("document.querySelector('#publication form').noValidate = true")
    await page.fill("#publication-effective_from", TODAY.isoformat())
    await page.fill("#publication-workload\\.forecast_band_percent", "25")
    await page.fill("#publication-rationale", RATIONALE)
    response = await send(session, "#publication button[type=submit]")
    assert response.status == 400
    problem = await page.locator("#publication-effective_from-erreur").inner_text()
    assert problem.startswith("Date d'entrée en vigueur : ")
    assert "lendemain de sa publication" in problem
    assert "n'a pas été publiée" in await page.locator("#publication .message.error").inner_text()
    date_field = page.locator("#publication-effective_from")
    assert await date_field.get_attribute("aria-invalid") == "true"
    assert await date_field.input_value() == TODAY.isoformat()
    assert await page.locator("#publication-workload\\.forecast_band_percent").input_value() == (
        "25"
    )
    assert await page.locator("#publication-rationale").input_value() == RATIONALE
    assert errors_besides(session, 400) == []
    await session.shoot("politique-publication-refusee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        after = await PolicyServiceStub(channel).ListPolicies(
            pb.ListPoliciesRequest(), metadata=committee
        )
    assert after == before


async def test_a_decree_without_its_number_is_refused_under_its_cell(as_, addresses, token):
    committee = token(Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        new = await next_version(PolicyServiceStub(channel), committee)
    row = len(new.purchasing.minimum_wages)  # the empty row, to add an amount
    cell = f"purchasing.minimum_wages.{row}"
    session = await as_(Role.COMMITTEE, "committee")
    page = session.page
    await session.open("/politique")
    await page.fill("#publication-effective_from", to_date(new.effective_from).isoformat())
    await page.fill(f'[name="{cell}.effective_from"]', "2099-01-01")
    await page.fill(f'[name="{cell}.hourly"]', "30.5")
    await page.select_option(f'[name="{cell}.act"]', "decret")
    await page.fill(f'[name="{cell}.act_signed"]', "2098-12-20")
    await page.fill("#publication-rationale", RATIONALE)
    response = await send(session, "#publication button[type=submit]")
    assert response.status == 400
    problem = await page.locator(f'[id="publication-{cell}.act_number-erreur"]').inner_text()
    assert problem.startswith(f"SMIC horaire brut, ligne {row + 1}, Numéro du décret : ")
    assert await page.locator(f'[name="{cell}.hourly"]').input_value() == "30.5"
    assert await page.locator(f'[name="{cell}.act"]').input_value() == "decret"
    assert errors_besides(session, 400) == []
    await session.shoot("politique-smic-refuse")


async def test_an_ordering_party_reads_the_page_without_the_form_and_may_not_post(as_, story):
    bank = await as_(Role.ORDERING_PARTY, story.bank)
    page = bank.page
    await bank.open("/constats")
    async with page.expect_navigation():
        await page.click('nav a[href="/politique"]')
    assert "Politique du comité" in await page.locator("h1").inner_text()
    assert await page.locator("section.policy-area").count() == 7
    assert await page.locator("table.policy-versions tbody tr").count() >= 1
    assert await page.locator("#publication").count() == 0
    version_zero = await bank.open("/politique/0")
    assert version_zero.status == 200
    assert "paramètres par défaut" in await page.locator("section.policy-version h2").inner_text()
    assert bank.console_errors == []
    await bank.shoot("politique-vue-du-donneur-d-ordre")
    status = await page.evaluate(
        """() => fetch('/politique', {method: 'POST', body: new URLSearchParams({
            effective_from: '2099-01-01', rationale: 'x'.repeat(30)})}).then(r => r.status)"""
    )
    assert status == 403
    assert (await bank.open("/politique/99999")).status == 404


async def test_the_finding_page_names_its_policy_version(as_, story, addresses, token):
    committee = token(Role.COMMITTEE, "committee")
    async with grpc.aio.insecure_channel(addresses["compliance"]) as channel:
        finding = await ComplianceMonitorStub(channel).GetFinding(
            fpb.GetFindingRequest(finding_id=story.notice_breach_id), metadata=committee
        )
    session = await as_(Role.COMMITTEE, "committee")
    page = session.page
    await session.open(f"/constats/{story.notice_breach_id}")
    line = page.locator("section.finding-detail li.policy")
    said = await line.inner_text()
    assert said.startswith(f"Politique du comité : version {finding.policy_version}")
    if finding.policy_version == 0:
        assert "paramètres par défaut" in said
    async with page.expect_navigation():
        await line.locator("a").click()
    assert page.url.endswith(f"/politique/{finding.policy_version}")
    heading = await page.locator("section.policy-version h2").inner_text()
    assert heading.startswith(f"Version {finding.policy_version}")
    await session.shoot("constat-version-de-politique")
