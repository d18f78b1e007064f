"""The committee's policy over gRPC and the command line: a version published once, with its
event on the compacted policy topic, read back by number and by day; refused with the field
and the reason when it may not be published, and then nothing is written."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from vigie.events.v1.envelope_pb2 import Envelope
from vigie.policy.v1 import events_pb2 as events
from vigie.policy.v1 import policy_pb2 as pb

from services.codecs import policy as codec
from services.common import db, topics
from services.common import policy as plumbing
from services.common.clock import french_day, utc_now
from services.common.identity import Role
from services.common.protos import from_date, to_date
from tests.integration.conftest import ROOT, vigie_cli

RATIONALE = "Délibération du comité du label : tolérance ramenée à 10 %."


# The other tests share the services and their database, and judge days up to a few years
# ahead: the versions published here take effect later than any of those days.
AHEAD = timedelta(days=4 * 366)


async def next_version(policies, committee) -> pb.CommitteePolicy:
    """The latest version, numbered as the next one, in force a week after the later of the
    latest version's day and AHEAD."""
    latest = (await policies.GetPolicy(pb.GetPolicyRequest(), metadata=committee)).policy
    policy = pb.CommitteePolicy()
    policy.CopyFrom(latest)
    policy.version = latest.version + 1
    ahead = french_day(utc_now()) + AHEAD
    earliest = to_date(latest.effective_from) if latest.HasField("effective_from") else ahead
    policy.effective_from.CopyFrom(from_date(max(ahead, earliest) + timedelta(days=7)))
    return policy


def bad_fields(error: grpc.aio.AioRpcError) -> dict[str, str]:
    [detail] = rpc_status.from_call(error).details
    request = error_details_pb2.BadRequest()
    detail.Unpack(request)
    return {v.field: v.description for v in request.field_violations}


async def test_the_committee_publishes_a_version_everyone_reads(
    policies, committee, token, tail, pool, contracts_service, notices_service
):
    policy_topic = await tail(topics.POLICY)
    new = await next_version(policies, committee)
    new.workload.tolerance_percent = 10
    published = await policies.PublishPolicy(
        pb.PublishPolicyRequest(policy=new, rationale=RATIONALE), metadata=committee
    )
    assert published.policy == new
    assert published.published_by and published.rationale == RATIONALE

    party = token(Role.ORDERING_PARTY, "banque-policy")
    got = await policies.GetPolicy(pb.GetPolicyRequest(version=new.version), metadata=party)
    assert got == published
    # Not in force before its day; in force from it.
    day_before = from_date(to_date(new.effective_from) - timedelta(days=1))
    before = await policies.GetPolicy(pb.GetPolicyRequest(in_force_on=day_before), metadata=party)
    assert before.policy.version == new.version - 1
    on_the_day = await policies.GetPolicy(
        pb.GetPolicyRequest(in_force_on=new.effective_from), metadata=party
    )
    assert on_the_day.policy.version == new.version
    listed = await policies.ListPolicies(pb.ListPoliciesRequest(), metadata=party)
    assert [p.policy.version for p in listed.policies] == list(range(new.version + 1))
    assert listed.policies[0].policy == codec.to_proto(codec.DEFAULT_POLICY)

    [record] = await policy_topic.collect(lambda r: True, 1)
    assert record.key.decode() == plumbing.event_key(new.version)
    envelope = Envelope.FromString(record.value)
    payload = events.PolicyPublished()
    envelope.payload.Unpack(payload)
    assert payload.published == published

    # Every service that applies the policy keeps the version in its own schema.
    for schema in ("contracts", "notices"):
        for _ in range(100):
            kept = await pool.fetchval(
                f"SELECT published FROM {schema}.committee_policies WHERE version = $1",
                new.version,
            )
            if kept is not None:
                break
            await asyncio.sleep(0.1)
        assert kept is not None and pb.PublishedPolicy.FromString(kept) == published, schema


async def test_only_the_committee_publishes(policies, committee, token):
    new = await next_version(policies, committee)
    for role, org in ((Role.ORDERING_PARTY, "banque-policy"), (Role.CENTRE, "ctr-policy")):
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await policies.PublishPolicy(
                pb.PublishPolicyRequest(policy=new, rationale=RATIONALE), metadata=token(role, org)
            )
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_version_that_may_not_be_published_is_refused_and_nothing_written(
    policies, committee
):
    before = await policies.ListPolicies(pb.ListPoliciesRequest(), metadata=committee)
    today = from_date(french_day(utc_now()))

    retroactive = await next_version(policies, committee)
    retroactive.effective_from.CopyFrom(today)
    retroactive.version += 1  # skips a number too
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await policies.PublishPolicy(
            pb.PublishPolicyRequest(policy=retroactive, rationale=RATIONALE), metadata=committee
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = bad_fields(refused.value)
    assert set(fields) == {"policy.version", "policy.effective_from"}
    assert "lendemain de sa publication" in fields["policy.effective_from"]

    out_of_bounds = await next_version(policies, committee)
    out_of_bounds.workload.tolerance_percent = 0
    out_of_bounds.offshoring.onshore_countries.append("fr")
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await policies.PublishPolicy(
            pb.PublishPolicyRequest(policy=out_of_bounds, rationale=RATIONALE),
            metadata=[*committee, ("accept-language", "en")],
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = bad_fields(refused.value)
    assert "policy.workload.tolerance_percent" in fields
    assert any(f.startswith("policy.offshoring.onshore_countries") for f in fields)

    after = await policies.ListPolicies(pb.ListPoliciesRequest(), metadata=committee)
    assert after == before


async def test_an_unknown_version_is_not_found(policies, committee):
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await policies.GetPolicy(pb.GetPolicyRequest(version=99999), metadata=committee)
    assert refused.value.code() == grpc.StatusCode.NOT_FOUND
    assert "introuvable" in refused.value.details()


async def test_the_cli_prints_a_version_and_publishes_the_next_from_it(
    policies, committee, settings, compliance_service, tmp_path
):
    address = ["--compliance", compliance_service.address, "--as", "committee:committee"]
    code, out, err = await vigie_cli(settings, *address, "policy", "get")
    assert code == 0, err
    current = json.loads(out)
    current["policy"]["workload"]["forecast_weeks_in_a_row"] = 4
    edited = tmp_path / "politique.json"
    edited.write_text(json.dumps(current), encoding="utf-8")
    effective = to_date((await next_version(policies, committee)).effective_from)

    code, out, err = await vigie_cli(
        settings,
        *address,
        "policy",
        "publish",
        str(edited),
        "--effective-from",
        effective.isoformat(),
        "--rationale",
        RATIONALE,
    )
    assert code == 0, err
    published = json.loads(out)
    assert published["policy"]["version"] == current["policy"].get("version", 0) + 1
    assert published["policy"]["workload"]["forecast_weeks_in_a_row"] == 4
    assert published["policy"]["effective_from"] == {
        "year": effective.year,
        "month": effective.month,
        "day": effective.day,
    }


async def test_a_service_whose_database_was_rebuilt_reads_every_version_again(
    policies, committee, settings, pool
):
    """What a service does at start-up before it applies any version: the policy topic read
    from its start into an empty table gives every version the policy service lists."""
    new = await next_version(policies, committee)
    await policies.PublishPolicy(
        pb.PublishPolicyRequest(policy=new, rationale=RATIONALE), metadata=committee
    )
    schema = "policy_rebuilt"
    migration = ROOT / "services/common/migrations/0003-common-committee-policies.sql"
    await pool.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    await pool.execute(f"SET search_path TO {schema}; {migration.read_text()}; RESET search_path")
    rebuilt = await db.connect(settings.database_url, schema)
    try:
        # The relay publishes within moments: read until the new version is there.
        for _ in range(100):
            await plumbing.catch_up(rebuilt, settings.kafka_bootstrap, codec.from_proto)
            async with rebuilt.acquire() as conn:
                kept = codec.with_defaults(await plumbing.stored_versions(conn))
            if kept[-1].policy.version == new.version:
                break
        listed = await policies.ListPolicies(pb.ListPoliciesRequest(), metadata=committee)
        assert kept == list(listed.policies)
    finally:
        await rebuilt.close()
        await pool.execute(f"DROP SCHEMA {schema} CASCADE")
