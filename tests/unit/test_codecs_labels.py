"""Labels, audits and sites from the protos into the rules' terms and back: the codec the
labels service's use cases speak through."""

from __future__ import annotations

from datetime import UTC, date, datetime

from google.protobuf import json_format
from vigie.labels.v1 import labels_pb2 as pb

from services.cli.demo import SAMPLE_REFERENTIAL
from services.codecs import labels as codec
from services.codecs.labels import rule_label
from services.rules import label_audit as audit_rules
from services.rules import label_lifecycle as lifecycle
from services.rules.wording import text


def test_the_referential_s_areas_in_the_audit_rule_s_terms():
    request = json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())
    found = codec.requirements(request.areas)
    assert len(found) == 4 and audit_rules.referential_problems(found) == []
    first = found[0]
    assert (first.area, first.pass_threshold_percent) == (audit_rules.Area.HR_PROCEDURES, 70)
    assert first.criteria[0] == audit_rules.Criterion("RH-1", 10)


def test_an_area_result_as_the_audit_carries_it():
    result = audit_rules.AreaResult(audit_rules.Area.HR_PROCEDURES, 34, 50, 70)
    assert codec.area_result(result) == pb.AreaResult(
        area=pb.AREA_HR_PROCEDURES, score=34, max_score=50, pass_threshold_percent=70, passed=False
    )


def test_a_label_goes_to_the_proto_and_back_unchanged():
    label = lifecycle.Label(
        lifecycle.Status.SUSPENDED,
        date(2027, 1, 1),
        date(2029, 12, 31),
        "a-1",
        "Audit de suivi non conforme",
        date(2027, 6, 30),
    )
    changed_at = datetime(2027, 4, 16, 9, 30, tzinfo=UTC)
    proto = codec.label(label, changed_at)
    assert proto.changed_at.ToDatetime(tzinfo=UTC) == changed_at
    assert rule_label(proto) == label
    assert not codec.label(lifecycle.Label(), changed_at).HasField("valid_from")


def test_sites_in_unknown_countries_twice_or_taken_are_named():
    sites = [
        pb.Site(site_id="lille", country="FR"),
        pb.Site(site_id="lille", country="XX"),
    ]
    problems = codec.site_problems(sites)
    assert [(p.field, p.reason) for p in problems] == [
        ("sites[1].country", text("error-country-code", country="XX")),
        ("sites[1].site_id", text("label-site-twice", site="lille")),
    ]
    assert codec.site_problems(sites[:1]) == []
    (taken,) = codec.taken_site_problems(sites[:1], {"lille"})
    assert (taken.field, taken.reason) == (
        "sites[0].site_id",
        text("label-site-taken", site="lille"),
    )
