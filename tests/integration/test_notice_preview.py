"""PreviewWorkloadChange over real gRPC and through the CLI: the earliest date a change may
take effect, which a notice for that date then meets and a notice for the day before
breaks; the holidays counted, in French and in English; nothing recorded; the refusals."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from datetime import date, timedelta
from decimal import Decimal

import grpc
import pytest
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub
from vigie.policy.v1 import policy_pb2 as pb

from services.common.identity import Role
from services.common.protos import from_date, to_date
from services.rules import calendar, lead_time
from tests.integration.conftest import ROOT, known_to_notices
from tests.integration.test_contracts_service import ordering_party, signed_contract
from tests.integration.test_notices_service import TODAY
from tests.integration.test_policy import RATIONALE, next_version

pytestmark = pytest.mark.integration


@pytest.fixture
def notices(notices_channel) -> NoticeServiceStub:
    return NoticeServiceStub(notices_channel)


@pytest.fixture
async def contract(registry, tenders, referential, token, pool, notices_service):
    """A signed contract on the sample schedule (up to 10 %: 14 calendar days; up to 30 %:
    28 calendar days; beyond: 3 calendar months) that the notices service knows."""
    signed, party = await signed_contract(registry, tenders, referential, token)
    await known_to_notices(pool, signed.contract_id)
    return signed, party


def preview_request(
    contract_id: str, percent: int, **dates: date
) -> npb.PreviewWorkloadChangeRequest:
    request = npb.PreviewWorkloadChangeRequest(
        contract_id=contract_id, change=npb.WorkloadChange(change_percent=-percent)
    )
    for name, day in dates.items():
        getattr(request, name).CopyFrom(from_date(day))
    return request


def issue(contract_id: str, percent: int, effective: date) -> npb.IssueWorkloadChangeRequest:
    return npb.IssueWorkloadChangeRequest(
        contract_id=contract_id,
        change=npb.WorkloadChange(change_percent=-percent),
        effective_date=from_date(effective),
        reason="essai de l'aperçu",
    )


async def notices_of(pool, contract_id: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM notices.notices WHERE contract_id = $1", uuid.UUID(contract_id)
    )


async def test_the_previewed_date_is_met_and_the_day_before_is_a_breach(
    notices, contract, token, pool
):
    signed, party = contract
    bank = token(Role.ORDERING_PARTY, party)
    # The sample schedule: more than 30 %, 3 calendar months.
    seen = await notices.PreviewWorkloadChange(
        preview_request(signed.contract_id, 40), metadata=bank
    )
    assert await notices_of(pool, signed.contract_id) == 0  # a preview records nothing
    assert to_date(seen.notified_on) == TODAY
    assert (seen.required, seen.unit) == (3, cpb.LEAD_TIME_UNIT_CALENDAR_MONTHS)
    assert not seen.band.HasField("up_to_percent") and not seen.default_schedule
    assert seen.counting == npb.LEAD_TIME_COUNTING_LEGAL
    earliest = to_date(seen.earliest_effective_date)
    assert earliest == lead_time.earliest_effective_date(
        [lead_time.NoticeBand(None, 3, lead_time.LeadTimeUnit.CALENDAR_MONTHS)],
        lead_time.WorkloadChange(Decimal(-40)),
        TODAY,
    )
    assert not seen.agent_floor_binds and not seen.HasField("desired_date_complies")
    assert seen.explanation_wording.message == "lead-time-preview"
    assert seen.explanation.startswith(f"Notifiée le {TODAY.day} ")

    on_time = await notices.IssueWorkloadChange(
        issue(signed.contract_id, 40, earliest), metadata=bank
    )
    late = await notices.IssueWorkloadChange(
        issue(signed.contract_id, 40, earliest - timedelta(days=1)), metadata=bank
    )
    assert on_time.verdict.complies and not late.verdict.complies
    assert late.verdict.shortfall == 1


async def test_a_desired_date_and_the_holidays_counted_in_french_and_english(
    notices, contract, token
):
    signed, party = contract
    bank = token(Role.ORDERING_PARTY, party)
    # A notice in late April: the 28 calendar days of a cut up to 30 % run over 1 May, 8 May
    # or Ascension (in 2027, Ascension).
    year = TODAY.year if date(TODAY.year, 4, 20) >= TODAY else TODAY.year + 1
    notified = date(year, 4, 20)
    desired = notified + timedelta(days=20)
    request = preview_request(
        signed.contract_id, 20, notified_on=notified, desired_effective_date=desired
    )
    seen = await notices.PreviewWorkloadChange(request, metadata=bank)
    assert (seen.required, seen.unit) == (28, cpb.LEAD_TIME_UNIT_CALENDAR_DAYS)
    assert to_date(seen.earliest_effective_date) == notified + timedelta(days=29)
    assert seen.HasField("desired_date_complies") and not seen.desired_date_complies
    assert not seen.desired_verdict.complies and seen.desired_verdict.required == 28
    names = calendar.french_public_holiday_names(year)
    counted = [to_date(h.date) for h in seen.public_holidays]
    expected = [
        day
        for day in sorted(calendar.french_public_holidays(year))
        if notified < day < notified + timedelta(days=29) and day.weekday() < 5
    ]
    assert counted == expected
    assert [h.name for h in seen.public_holidays] == [names[d].values["fr"] for d in counted]
    assert "ne respecte pas ce délai" in seen.explanation
    assert ("jours fériés exclus : " in seen.explanation) is bool(counted)
    assert all(names[d].values["fr"] in seen.explanation for d in counted)

    english = await notices.PreviewWorkloadChange(
        request, metadata=[*bank, ("accept-language", "en")]
    )
    assert [h.name for h in english.public_holidays] == [names[d].values["en"] for d in counted]
    assert ("public holidays excluded: " in english.explanation) is bool(counted)


async def test_a_preview_is_the_ordering_party_s_own_and_its_dates_make_sense(
    notices, contract, token
):
    signed, party = contract
    bank = token(Role.ORDERING_PARTY, party)
    refusals = [
        (preview_request(signed.contract_id, 10, notified_on=TODAY - timedelta(days=1)), bank),
        (
            preview_request(
                signed.contract_id,
                10,
                notified_on=TODAY + timedelta(days=10),
                desired_effective_date=TODAY + timedelta(days=9),
            ),
            bank,
        ),
        (preview_request(signed.contract_id, 10, notified_on=date(1999, 12, 31)), bank),
    ]
    fields = []
    for request, who in refusals:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await notices.PreviewWorkloadChange(request, metadata=who)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields.append(refused.value.details())
    assert "notified_on" in fields[0] and "desired_effective_date" in fields[1]
    assert "notified_on" in fields[2]

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await notices.PreviewWorkloadChange(
            preview_request(signed.contract_id, 10),
            metadata=token(Role.ORDERING_PARTY, ordering_party()),
        )
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await notices.PreviewWorkloadChange(
            preview_request(signed.contract_id, 10),
            metadata=token(Role.CENTRE, signed.centre_id),
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_the_cli_previews_a_change(notices, contract, token, settings, notices_service):
    signed, party = contract
    desired = TODAY + timedelta(days=20)
    cli = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.cli",
        "--as",
        f"ordering_party:{party}",
        "--notices",
        notices_service.address,
        "notices",
        "preview",
        "--contract",
        signed.contract_id,
        "--percent",
        "-5",
        "--desired",
        desired.isoformat(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=os.environ
        | {"VIGIE_TOKEN_KEY": settings.token_key, "PYTHONPATH": f"{ROOT}:{ROOT / 'gen'}"},
    )
    out, err = await asyncio.wait_for(cli.communicate(), 60)
    assert cli.returncode == 0, err.decode()
    printed = json.loads(out)
    # Up to 10 %: 14 calendar days, the notice day not counted.
    earliest = TODAY + timedelta(days=15)
    assert printed["earliest_effective_date"] == {
        "year": earliest.year,
        "month": earliest.month,
        "day": earliest.day,
    }
    assert printed["desired_date_complies"] is True
    assert printed["explanation"].startswith("Notifiée le ")
    seen = await notices.PreviewWorkloadChange(
        preview_request(signed.contract_id, 5, desired_effective_date=desired),
        metadata=token(Role.ORDERING_PARTY, party),
    )
    assert to_date(seen.earliest_effective_date) == earliest


async def test_the_notices_service_applies_the_version_in_force_on_the_notification_day(
    policies, committee, notices, contract, token
):
    """From the committee's call through the outbox, the policy topic and the notices
    service's projection, to the counting of a preview: the day before the new version takes
    effect the previous one applies, from its day the new one."""
    signed, party = contract
    previous = (await policies.GetPolicy(pb.GetPolicyRequest(), metadata=committee)).policy
    new = await next_version(policies, committee)
    legal, notice_day = npb.LEAD_TIME_COUNTING_LEGAL, npb.LEAD_TIME_COUNTING_NOTICE_DAY_COUNTS
    new.lead_time.counting = notice_day if previous.lead_time.counting == legal else legal
    await policies.PublishPolicy(
        pb.PublishPolicyRequest(policy=new, rationale=RATIONALE), metadata=committee
    )
    bank = token(Role.ORDERING_PARTY, party)
    effective = to_date(new.effective_from)

    async def preview_on(day):
        request = preview_request(signed.contract_id, 40, notified_on=day)
        return await notices.PreviewWorkloadChange(request, metadata=bank)

    for _ in range(200):  # the projection follows the topic within moments
        on_the_day = await preview_on(effective)
        if on_the_day.policy_version == new.version:
            break
        await asyncio.sleep(0.1)
    assert on_the_day.policy_version == new.version
    assert on_the_day.counting == new.lead_time.counting
    the_day_before = await preview_on(effective - timedelta(days=1))
    assert the_day_before.policy_version == previous.version
    assert the_day_before.counting == previous.lead_time.counting
