"""Scoring an audit against a version of the label referential.

Source: Label Responsabilité Sociale pour les centres de relation client (sources/004, §3):
the four areas a centre is audited on — HR procedures, training, electronic monitoring and
privacy, working conditions. Criteria and pass thresholds per area are set by the committee
(§4) in a versioned referential; an audit is scored against exactly one version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from services.rules import Violation
from services.rules.wording import Text, text


class Area(IntEnum):
    """Numbered as in the protos (vigie.labels.v1.Area)."""

    HR_PROCEDURES = 1
    TRAINING = 2
    MONITORING_AND_PRIVACY = 3
    WORKING_CONDITIONS = 4


@dataclass(frozen=True)
class Criterion:
    code: str
    max_score: int


@dataclass(frozen=True)
class AreaRequirement:
    area: Area
    criteria: tuple[Criterion, ...]
    pass_threshold_percent: int

    @property
    def max_score(self) -> int:
        return sum(c.max_score for c in self.criteria)


@dataclass(frozen=True)
class AreaResult:
    area: Area
    score: int
    max_score: int
    pass_threshold_percent: int

    @property
    def passed(self) -> bool:
        # Integer arithmetic: 70 % of 30 is reached by 21, not by 20.99.
        return self.score * 100 >= self.pass_threshold_percent * self.max_score


@dataclass(frozen=True)
class AuditScore:
    results: tuple[AreaResult, ...]

    @property
    def passed(self) -> bool:
        """A centre passes when it passes every area: no area compensates another."""
        return all(r.passed for r in self.results)


def area_name(area: Area) -> Text:
    """The area as the label names it ("label-area-hr-procedures")."""
    return Text("label-area-" + area.name.lower().replace("_", "-"))


def referential_problems(areas: Sequence[AreaRequirement], field: str = "areas") -> list[Violation]:
    """A referential covers each of the four areas exactly once, with unique criterion codes."""
    problems = []
    seen_areas = [a.area for a in areas]
    for area in Area:
        if seen_areas.count(area) != 1:
            problems.append(
                Violation(
                    field,
                    text("audit-area-count", area=area_name(area), found=seen_areas.count(area)),
                )
            )
    codes: set[str] = set()
    for i, area in enumerate(areas):
        for j, criterion in enumerate(area.criteria):
            if criterion.code in codes:
                problems.append(
                    Violation(
                        f"{field}[{i}].criteria[{j}].code",
                        text("audit-criterion-code-twice", code=criterion.code),
                    )
                )
            codes.add(criterion.code)
    return problems


def score_problems(
    areas: Sequence[AreaRequirement], scores: Sequence[tuple[str, int]], field: str = "scores"
) -> list[Violation]:
    """Every criterion of the referential scored exactly once, within 0..max, nothing else."""
    criteria = {c.code: c for a in areas for c in a.criteria}
    scored = [code for code, _ in scores]
    problems = [
        Violation(field, text("audit-criterion-not-scored", code=code))
        for code in criteria
        if code not in scored
    ]
    for i, (code, score) in enumerate(scores):
        criterion = criteria.get(code)
        if criterion is None:
            problems.append(
                Violation(f"{field}[{i}].code", text("audit-criterion-unknown", code=code))
            )
        elif scored.index(code) != i:
            problems.append(
                Violation(f"{field}[{i}].code", text("audit-criterion-scored-twice", code=code))
            )
        elif not 0 <= score <= criterion.max_score:
            problems.append(
                Violation(
                    f"{field}[{i}].score",
                    text("audit-score-out-of-range", score=score, max_score=criterion.max_score),
                )
            )
    return problems


def score_audit(areas: Sequence[AreaRequirement], scores: Mapping[str, int]) -> AuditScore:
    """Sum the scores per area and compare with its threshold; call score_problems first."""
    return AuditScore(
        tuple(
            AreaResult(
                area.area,
                sum(scores[c.code] for c in area.criteria),
                area.max_score,
                area.pass_threshold_percent,
            )
            for area in sorted(areas, key=lambda a: a.area)
        )
    )
