"""Bounded inputs at the edge, against the running services: each input an attacker found
answering INTERNAL, echoing megabytes or being accepted is now a typed error naming the
field, small enough for any client, and nothing is written."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date, timedelta

import grpc
import jwt
import pytest
from google.type.date_pb2 import Date
from vigie.compliance.v1 import compliance_pb2 as fpb
from vigie.compliance.v1.compliance_pb2_grpc import ComplianceMonitorStub
from vigie.contracts.v1 import contracts_pb2 as cpb
from vigie.labels.v1 import labels_pb2 as pb
from vigie.notices.v1 import notices_pb2 as npb
from vigie.notices.v1.notices_pb2_grpc import NoticeServiceStub

from services.common import identity
from services.common.identity import Role
from tests.integration.conftest import known_to_notices
from tests.integration.test_contracts_service import (
    intervals,
    ordering_party,
    signed_contract,
    tender_terms,
)
from tests.integration.test_labels_service import (
    audit_request,
    bad_fields,
    centre_request,
    new_centre_id,
    referential_request,
    site,
)
from tests.integration.test_notices_service import cut

pytestmark = pytest.mark.integration
# What standard gRPC clients accept as trailing metadata before answering RESOURCE_EXHAUSTED.
METADATA_LIMIT = 16 * 1024
NUL = "a\x00b"
UINT32_MAX, UINT64_MAX = 2**32 - 1, 2**64 - 1


def error_size(error: grpc.aio.AioRpcError) -> int:
    """Bytes of the error a client receives: the message and the trailing metadata."""
    trailers = error.trailing_metadata() or ()
    return len((error.details() or "").encode()) + sum(len(k) + len(v) for k, v in trailers)


def assert_invalid(error: grpc.aio.AioRpcError, field: str) -> None:
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, (error.code(), error.details())
    assert field in bad_fields(error), bad_fields(error)
    assert error_size(error) < METADATA_LIMIT


async def refusal(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await call
    return refused.value


async def first_message(stream) -> grpc.aio.AioRpcError:
    """A server stream's error, read within a few seconds (then the stream is cancelled)."""
    try:
        return await refusal(asyncio.wait_for(stream.read(), 10))
    finally:
        stream.cancel()


@pytest.fixture
def notices(notices_channel) -> NoticeServiceStub:
    return NoticeServiceStub(notices_channel)


@pytest.fixture
async def contract(registry, tenders, referential, token, pool, notices_service):
    """A signed contract the notices service knows, and its ordering party."""
    signed, party = await signed_contract(registry, tenders, referential, token)
    await known_to_notices(pool, signed.contract_id)
    return signed, party


@pytest.fixture
async def monitor_stub(compliance_service):
    async with grpc.aio.insecure_channel(compliance_service.address) as channel:
        yield ComplianceMonitorStub(channel)


# -- 1. INTERNAL before: a NUL byte, numbers beyond the columns ------------------------------


@pytest.mark.parametrize(
    "method, request_, field",
    [
        ("GetCentre", pb.GetCentreRequest(centre_id=NUL), "centre_id"),
        ("ListAudits", pb.ListAuditsRequest(centre_id=NUL), "centre_id"),
        ("RegisterCentre", centre_request("ctr-nul-name", name=NUL), "name"),
        ("PublishReferential", None, "title"),
        ("GetReferential", pb.GetReferentialRequest(version=UINT32_MAX), "version"),
    ],
)
async def test_labels_refuse_nul_bytes_and_huge_versions(
    registry, committee, method, request_, field
):
    if request_ is None:
        request_ = referential_request()
        request_.title = NUL
    assert_invalid(await refusal(getattr(registry, method)(request_, metadata=committee)), field)


async def test_register_centre_refuses_nul_in_city_and_owner(registry, committee, pool):
    centre_id = new_centre_id()
    request = centre_request(centre_id)
    request.sites[1].city = NUL
    assert_invalid(
        await refusal(registry.RegisterCentre(request, metadata=committee)), "sites[1].city"
    )
    owned = centre_request(centre_id, kind=pb.CENTRE_KIND_INTEGRATED, owner_ordering_party_id=NUL)
    error = await refusal(registry.RegisterCentre(owned, metadata=committee))
    assert_invalid(error, "owner_ordering_party_id")
    assert await pool.fetchval("SELECT count(*) FROM centres WHERE centre_id = $1", centre_id) == 0


async def test_alert_streams_refuse_nul_centres_and_cursors_beyond_bigint(notices, token):
    committee = token(Role.COMMITTEE, "committee")
    centre = token(Role.CENTRE, new_centre_id())
    error = await first_message(
        notices.SubscribeAlerts(npb.SubscribeAlertsRequest(centre_id=NUL), metadata=committee)
    )
    assert_invalid(error, "centre_id")
    error = await first_message(
        notices.SubscribeAlerts(
            npb.SubscribeAlertsRequest(after_cursor=UINT64_MAX), metadata=centre
        )
    )
    assert_invalid(error, "after_cursor")
    error = await refusal(
        notices.AcknowledgeAlerts(
            npb.AcknowledgeAlertsRequest(up_to_cursor=UINT64_MAX), metadata=centre
        )
    )
    assert_invalid(error, "up_to_cursor")


async def test_scorecard_refuses_a_nul_ordering_party(monitor_stub, token):
    error = await refusal(
        monitor_stub.GetScorecard(
            fpb.GetScorecardRequest(ordering_party_id=NUL),
            metadata=token(Role.COMMITTEE, "committee"),
        )
    )
    assert_invalid(error, "ordering_party_id")


async def test_volumes_beyond_an_integer_column_refuse_the_stream(
    registry, tenders, contracts, referential, token, pool
):
    contract_, _ = await signed_contract(registry, tenders, referential, token)
    records = intervals(contract_, 3)
    records[2].handled_seconds = UINT32_MAX
    chunks = [
        cpb.ReportVolumesRequest(records=records[:2]),
        cpb.ReportVolumesRequest(records=records[2:]),
    ]
    error = await refusal(
        contracts.ReportVolumes(iter(chunks), metadata=token(Role.CENTRE, contract_.centre_id))
    )
    assert_invalid(error, "records[2].handled_seconds")  # numbered across the stream
    count = await pool.fetchval(
        "SELECT count(*) FROM contracts.volumes WHERE contract_id = $1",
        uuid.UUID(contract_.contract_id),
    )
    assert count == 0


# -- 2. Errors never echo unbounded input ----------------------------------------------------


async def test_a_huge_id_gets_a_short_error(registry, committee):
    error = await refusal(
        registry.GetCentre(pb.GetCentreRequest(centre_id="x" * 100_000), metadata=committee)
    )
    assert_invalid(error, "centre_id")
    assert error_size(error) < 2_000
    assert "x" * 100 not in error.details()


async def test_ten_thousand_empty_sites_are_listed_twenty_at_most(registry, committee, pool):
    centre_id = new_centre_id()
    request = centre_request(centre_id, sites=[pb.Site()] * 10_000)
    error = await refusal(registry.RegisterCentre(request, metadata=committee))
    assert_invalid(error, "sites")
    fields = bad_fields(error)
    assert len(fields) <= 21
    assert any("autres anomalies, non détaillées" in reason for reason in fields.values())
    assert await pool.fetchval("SELECT count(*) FROM centres WHERE centre_id = $1", centre_id) == 0


# -- 3. Doubtful accepts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [
        ("start_date", Date(year=1, month=1, day=1)),
        ("start_date", Date(year=1900, month=1, day=1)),
        ("end_date", Date(year=9999, month=12, day=31)),
    ],
)
async def test_tender_dates_outside_the_window_are_refused(tenders, token, pool, field, value):
    party = ordering_party()
    terms = tender_terms(**{field: value})
    error = await refusal(
        tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=terms), metadata=token(Role.ORDERING_PARTY, party)
        )
    )
    assert_invalid(error, f"terms.{field}")
    assert await tender_count(pool, party) == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"scope": "support\x1b[2J niveau 1"}, "terms.scope"),
        ({"price_ceiling_cents": UINT64_MAX}, "terms.price_ceiling_cents"),
        (
            {
                "notice_schedule": cpb.NoticeSchedule(
                    bands=[cpb.NoticeBand(lead_time=3_660, unit=3)]
                )
            },
            "terms.notice_schedule.bands[0].lead_time",
        ),
        (
            {"notice_schedule": cpb.NoticeSchedule(bands=[cpb.NoticeBand(lead_time=37, unit=3)])},
            "terms.notice_schedule.bands[0].lead_time",
        ),
        (
            {
                "forecast": cpb.ForecastVolume(
                    contacts_per_month=2**31, productive_hours_per_month=4_000
                )
            },
            "terms.forecast.contacts_per_month",
        ),
    ],
)
async def test_tender_terms_beyond_any_real_need_are_refused(tenders, token, pool, change, field):
    party = ordering_party()
    error = await refusal(
        tenders.RegisterTender(
            cpb.RegisterTenderRequest(terms=tender_terms(**change)),
            metadata=token(Role.ORDERING_PARTY, party),
        )
    )
    assert_invalid(error, field)
    assert await tender_count(pool, party) == 0


async def tender_count(pool, party: str) -> int:
    return await pool.fetchval(
        "SELECT count(*) FROM contracts.tenders WHERE ordering_party_id = $1", party
    )


async def test_an_audit_in_1900_is_refused(registry, committee, referential, pool):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    request = audit_request(centre_id, referential)
    request.audited_on.CopyFrom(Date(year=1900, month=6, day=1))
    assert_invalid(await refusal(registry.RecordAudit(request, metadata=committee)), "audited_on")
    assert await pool.fetchval("SELECT count(*) FROM audits WHERE centre_id = $1", centre_id) == 0


@pytest.mark.parametrize("name", ["Centre\x00", "Centre \x1b[31mrouge", "Centre\nde Lille"])
async def test_control_characters_in_names_are_refused(registry, committee, pool, name):
    centre_id = new_centre_id()
    error = await refusal(
        registry.RegisterCentre(centre_request(centre_id, name=name), metadata=committee)
    )
    assert_invalid(error, "name")
    assert "caractère de contrôle" in bad_fields(error)["name"]
    assert await pool.fetchval("SELECT count(*) FROM centres WHERE centre_id = $1", centre_id) == 0


async def test_reasons_keep_line_breaks_but_refuse_other_control_characters(registry, committee):
    centre_id = new_centre_id()
    await registry.RegisterCentre(centre_request(centre_id), metadata=committee)
    request = pb.WithdrawLabelRequest(centre_id=centre_id, reason="affichage\x00 absent")
    assert_invalid(await refusal(registry.WithdrawLabel(request, metadata=committee)), "reason")
    # A reason on two lines is well formed: what refuses it is the label's state (none yet).
    request.reason = "affichage absent\n\tdepuis mars"
    error = await refusal(registry.WithdrawLabel(request, metadata=committee))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_site_id_of_another_centre_is_refused(registry, committee, pool):
    first, second = new_centre_id(), new_centre_id()
    await registry.RegisterCentre(centre_request(first), metadata=committee)
    request = centre_request(second)
    request.sites[1].site_id = site(first, "tunis")
    error = await refusal(registry.RegisterCentre(request, metadata=committee))
    assert_invalid(error, "sites[1].site_id")
    assert "déjà rattaché à un autre centre" in bad_fields(error)["sites[1].site_id"]
    assert await pool.fetchval("SELECT count(*) FROM centres WHERE centre_id = $1", second) == 0


async def test_a_notice_effective_in_9999_is_refused(notices, contract, token, pool):
    signed, party = contract
    far = cut(signed.contract_id, 40, 0)
    far.effective_date.CopyFrom(Date(year=9999, month=12, day=31))
    error = await refusal(
        notices.IssueWorkloadChange(far, metadata=token(Role.ORDERING_PARTY, party))
    )
    assert_invalid(error, "effective_date")
    beyond = cut(signed.contract_id, 40, 0)
    end = signed.terms.end_date  # three years ahead: within the five a notice may look
    after = date(end.year, end.month, end.day) + timedelta(days=1)
    beyond.effective_date.CopyFrom(Date(year=after.year, month=after.month, day=after.day))
    error = await refusal(
        notices.IssueWorkloadChange(beyond, metadata=token(Role.ORDERING_PARTY, party))
    )
    assert_invalid(error, "effective_date")
    assert "dernier jour du contrat" in bad_fields(error)["effective_date"]
    count = await pool.fetchval(
        "SELECT count(*) FROM notices.notices WHERE contract_id = $1", uuid.UUID(signed.contract_id)
    )
    assert count == 0


async def test_a_token_valid_until_the_year_3000_is_refused(registry, settings):
    now = int(time.time())
    claims = {
        "iss": identity.ISSUER,
        "sub": "committee:committee",
        "role": "committee",
        "org": "committee",
        "iat": now,
        "exp": int(time.mktime((3000, 1, 1, 0, 0, 0, 0, 0, 0))),
    }
    forever = jwt.encode(claims, settings.token_key, algorithm=identity.ALGORITHM)
    error = await refusal(
        registry.ListCentres(
            pb.ListCentresRequest(), metadata=[("authorization", f"Bearer {forever}")]
        )
    )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "plus de 24 heures" in error.details()


# -- 4. int32 columns ------------------------------------------------------------------------


async def test_an_amended_forecast_beyond_int32_is_refused(
    registry, tenders, contracts, referential, token, pool
):
    signed, party = await signed_contract(registry, tenders, referential, token)
    start = signed.terms.start_date
    request = cpb.AmendContractRequest(
        contract_id=signed.contract_id,
        effective_from=start,
        amendment=cpb.ContractAmendment(
            forecast=cpb.ForecastVolume(
                contacts_per_month=UINT32_MAX, productive_hours_per_month=UINT32_MAX
            )
        ),
        reason="hausse",
    )
    error = await refusal(
        contracts.AmendContract(request, metadata=token(Role.ORDERING_PARTY, party))
    )
    assert_invalid(error, "amendment.forecast.contacts_per_month")
    assert "amendment.forecast.productive_hours_per_month" in bad_fields(error)
    version = await pool.fetchval(
        "SELECT version FROM contracts.contracts WHERE contract_id = $1",
        uuid.UUID(signed.contract_id),
    )
    assert version == 1
