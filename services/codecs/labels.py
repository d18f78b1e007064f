"""Centres, referentials, audits and labels (vigie.labels.v1) in the rules' terms, and the
rules' answers back as protos: the referential's requirements, an audit's results per area,
a label's state, and what makes a centre's sites invalid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import pycountry
from vigie.labels.v1 import labels_pb2 as pb

from services.common.protos import from_date, optional_date, timestamp
from services.rules import Violation
from services.rules import label_audit as audit_rules
from services.rules import label_lifecycle as lifecycle
from services.rules.wording import text


def requirements(areas: Iterable[pb.AreaRequirements]) -> list[audit_rules.AreaRequirement]:
    """The referential's areas as the audit rule scores them."""
    return [
        audit_rules.AreaRequirement(
            audit_rules.Area(a.area),
            tuple(audit_rules.Criterion(c.code, c.max_score) for c in a.criteria),
            a.pass_threshold_percent,
        )
        for a in areas
    ]


def area_result(result: audit_rules.AreaResult) -> pb.AreaResult:
    return pb.AreaResult(
        area=int(result.area),
        score=result.score,
        max_score=result.max_score,
        pass_threshold_percent=result.pass_threshold_percent,
        passed=result.passed,
    )


def label(found: lifecycle.Label, changed_at: datetime) -> pb.Label:
    """The label's state as the centre carries it, changed at `changed_at`."""
    return pb.Label(
        status=int(found.status),
        valid_from=from_date(found.valid_from),
        valid_until=from_date(found.valid_until),
        audit_id=found.audit_id,
        reason=found.reason,
        remedy_deadline=from_date(found.remedy_deadline),
        changed_at=timestamp(changed_at),
    )


def site_problems(sites: Sequence[pb.Site]) -> list[Violation]:
    """Each site in a country that exists, and each site id once."""
    problems = []
    seen: set[str] = set()
    for i, site in enumerate(sites):
        if pycountry.countries.get(alpha_2=site.country) is None:
            problems.append(
                Violation(f"sites[{i}].country", text("error-country-code", country=site.country))
            )
        if site.site_id in seen:
            problems.append(
                Violation(f"sites[{i}].site_id", text("label-site-twice", site=site.site_id))
            )
        seen.add(site.site_id)
    return problems


def taken_site_problems(sites: Sequence[pb.Site], taken: set[str]) -> list[Violation]:
    """Each site whose id another centre already registered."""
    return [
        Violation(f"sites[{i}].site_id", text("label-site-taken", site=site.site_id))
        for i, site in enumerate(sites)
        if site.site_id in taken
    ]


def rule_label(label: pb.Label) -> lifecycle.Label:
    """The label as the label registry publishes it, in the rules' terms: shared by the
    labels service and every service that projects label status."""
    return lifecycle.Label(
        status=lifecycle.Status(label.status or pb.LABEL_STATUS_NONE),
        valid_from=optional_date(label, "valid_from"),
        valid_until=optional_date(label, "valid_until"),
        audit_id=label.audit_id,
        reason=label.reason,
        remedy_deadline=optional_date(label, "remedy_deadline"),
    )
