"""Audit scoring against a referential: table tests on the edges, properties with hypothesis."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.wording import render
from services.rules import Violation
from services.rules.label_audit import (
    Area,
    AreaRequirement,
    AreaResult,
    Criterion,
    area_name,
    referential_problems,
    score_audit,
    score_problems,
)
from services.rules.wording import text


def referential(threshold: int = 70) -> list[AreaRequirement]:
    return [
        AreaRequirement(
            Area.HR_PROCEDURES, (Criterion("RH-1", 10), Criterion("RH-2", 20)), threshold
        ),
        AreaRequirement(Area.TRAINING, (Criterion("FOR-1", 10),), threshold),
        AreaRequirement(Area.MONITORING_AND_PRIVACY, (Criterion("SUR-1", 10),), 80),
        AreaRequirement(Area.WORKING_CONDITIONS, (Criterion("CT-1", 10),), threshold),
    ]


FULL = {"RH-1": 10, "RH-2": 20, "FOR-1": 10, "SUR-1": 10, "CT-1": 10}


@pytest.mark.parametrize(
    ("score", "max_score", "threshold", "passed"),
    [
        (21, 30, 70, True),  # exactly 70 %
        (20, 30, 70, False),  # 66.7 %
        (0, 10, 1, False),
        (1, 100, 1, True),
        (10, 10, 100, True),
        (9, 10, 100, False),
        (8, 10, 80, True),
        (7, 10, 80, False),
    ],
)
def test_area_passes_at_its_threshold_and_not_below(score, max_score, threshold, passed):
    assert AreaResult(Area.TRAINING, score, max_score, threshold).passed is passed


def test_an_audit_passes_only_when_every_area_passes():
    assert score_audit(referential(), FULL).passed
    one_area_short = FULL | {"SUR-1": 7}  # 70 % where monitoring asks 80 %
    result = score_audit(referential(), one_area_short)
    assert not result.passed
    assert [r.area for r in result.results if not r.passed] == [Area.MONITORING_AND_PRIVACY]


def test_results_come_in_area_order_with_summed_scores():
    result = score_audit(list(reversed(referential())), FULL | {"RH-1": 3})
    assert [r.area for r in result.results] == list(Area)
    assert (result.results[0].score, result.results[0].max_score) == (23, 30)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (list(FULL.items()), []),
        (
            [(c, s) for c, s in FULL.items() if c != "CT-1"],
            [Violation("scores", text("audit-criterion-not-scored", code="CT-1"))],
        ),
        (
            [*FULL.items(), ("XX-9", 1)],
            [Violation("scores[5].code", text("audit-criterion-unknown", code="XX-9"))],
        ),
        (
            [*FULL.items(), ("RH-1", 1)],
            [Violation("scores[5].code", text("audit-criterion-scored-twice", code="RH-1"))],
        ),
        (
            [("RH-1", 11), *[(c, s) for c, s in FULL.items() if c != "RH-1"]],
            [
                Violation(
                    "scores[0].score", text("audit-score-out-of-range", score=11, max_score=10)
                )
            ],
        ),
    ],
)
def test_score_problems(scores, expected):
    assert score_problems(referential(), scores) == expected


@pytest.mark.parametrize(
    ("problem", "french"),
    [
        (text("audit-criterion-not-scored", code="CT-1"), "Le critère CT-1 n'a pas reçu de note."),
        (
            text("audit-criterion-unknown", code="XX-9"),
            "Le code XX-9 ne désigne aucun critère de ce référentiel.",
        ),
        (text("audit-criterion-scored-twice", code="RH-1"), "Le critère RH-1 a reçu deux notes."),
        (
            text("audit-score-out-of-range", score=11, max_score=10),
            "La note 11 n'est pas comprise entre 0 et 10, la note maximale du critère.",
        ),
        (
            text("audit-criterion-code-twice", code="RH-1"),
            "Le code de critère RH-1 est employé deux fois.",
        ),
    ],
)
def test_score_and_referential_problems_in_french(problem, french):
    assert render(problem, "fr") == french


def test_referential_needs_each_area_once_and_unique_codes():
    assert referential_problems(referential()) == []
    missing = referential()[:3]
    absent = text("audit-area-count", area=area_name(Area.WORKING_CONDITIONS), found=0)
    assert referential_problems(missing) == [Violation("areas", absent)]
    assert render(absent, "fr") == (
        "Le domaine « Conditions de travail » manque : le référentiel doit compter chaque"
        " domaine exactement une fois."
    )
    assert render(absent, "en") == "WORKING_CONDITIONS must appear exactly once, found 0"
    doubled = [*referential(), referential()[0]]
    problems = referential_problems(doubled)
    twice = text("audit-area-count", area=area_name(Area.HR_PROCEDURES), found=2)
    assert Violation("areas", twice) in problems
    assert render(twice, "fr").startswith(
        "Le domaine « Procédures de ressources humaines » figure 2 fois"
    )
    reused = text("audit-criterion-code-twice", code="RH-1")
    assert Violation("areas[4].criteria[0].code", reused) in problems


@pytest.mark.parametrize("area", list(Area))
def test_every_area_has_a_name_in_each_language(area):
    for language in ("fr", "en"):
        assert render(area_name(area), language) not in ("", area_name(area).message)


scores_within_bounds = st.fixed_dictionaries(
    {code: st.integers(0, 20 if code == "RH-2" else 10) for code in FULL}
)


@given(scores_within_bounds)
def test_valid_scores_have_no_problems_and_are_summed_exactly(scores):
    assert score_problems(referential(), list(scores.items())) == []
    result = score_audit(referential(), scores)
    assert sum(r.score for r in result.results) == sum(scores.values())
    assert sum(r.max_score for r in result.results) == sum(FULL.values())


@given(scores_within_bounds, st.sampled_from(sorted(FULL)))
def test_raising_a_score_never_turns_a_pass_into_a_fail(scores, code):
    before = score_audit(referential(), scores)
    cap = 20 if code == "RH-2" else 10
    raised = scores | {code: min(cap, scores[code] + 1)}
    after = score_audit(referential(), raised)
    assert not (before.passed and not after.passed)


@given(st.integers(0, 1000), st.integers(1, 1000), st.integers(1, 100))
def test_pass_is_score_share_at_least_threshold(score, max_score, threshold):
    result = AreaResult(Area.TRAINING, score, max_score, threshold)
    assert result.passed == (score / max_score * 100 >= threshold - 1e-9)
