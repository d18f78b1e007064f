"""The catalogue is complete: every message the code names and every rule id and finding
type has words in French and in English, every French message renders with no error, and
no French text has slipped back into English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as fluent
from fluent.syntax.visitor import Visitor
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common import wording
from services.rules import perennial, purchasing, termination
from services.rules.findings import RULE_IDS
from services.rules.wording import text

SERVICES = Path(__file__).parents[2] / "services"
# Words that, in a French text, betray an English sentence left behind.
ENGLISH_WORDS = frozenset(
    re.findall(
        r"\S+",
        """the and of with which was were from than only between before after not short
        notice notified days weeks week workload change contract contracts breach onshore
        offshore rise fall cut should must party ordering below above over against this that
        these their its while without within per more less up down""",
    )
)


def messages_named_in_code() -> set[str]:
    """The first argument of every `text("...")` or `Text("...")` call of the services."""
    named = set()
    for path in SERVICES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("text", "Text")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                named.add(node.args[0].value)
    return named


def catalogue(language: str) -> dict[str, fluent.Message]:
    found = {}
    for path in sorted((wording.LOCALES / language).glob("*.ftl")):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            assert not isinstance(entry, fluent.Junk), f"{path.name}: {entry.content[:200]}"
            if isinstance(entry, fluent.Message):
                assert entry.id.name not in found, f"{entry.id.name} twice in {language}"
                found[entry.id.name] = entry
    return found


def variables(message: fluent.Message) -> set[str]:
    names = set()

    class Variables(Visitor):
        def visit_VariableReference(self, node):
            names.add(node.id.name)

    Variables().visit(message)
    return names


def test_french_and_english_name_the_same_messages():
    assert set(catalogue("fr")) == set(catalogue("en"))


def test_every_message_the_code_names_is_in_the_catalogue():
    missing = messages_named_in_code() - set(catalogue("fr"))
    assert not missing


@pytest.mark.parametrize("rule", RULE_IDS)
def test_every_rule_has_a_title(rule):
    for language in wording.LANGUAGES:
        assert wording.has_message(f"rule-{rule.replace('_', '-')}", language)


def test_every_rule_id_of_the_rules_is_listed():
    assert set(purchasing.RULES) | {termination.RULE, perennial.RULE} <= set(RULE_IDS)


FINDING_TYPES = [name for name in pb.FindingType.keys() if not name.endswith("UNSPECIFIED")]  # noqa: SIM118


@pytest.mark.parametrize("finding_type", FINDING_TYPES)
def test_every_finding_type_has_a_name(finding_type):
    message = "finding-type-" + finding_type.removeprefix("FINDING_TYPE_").lower().replace("_", "-")
    for language in wording.LANGUAGES:
        assert wording.has_message(message, language)


@pytest.mark.parametrize("message_id", sorted(catalogue("fr")))
def test_every_french_message_renders_and_reads_french(message_id):
    arguments = dict.fromkeys(variables(catalogue("fr")[message_id]), 2)
    messages = wording.bundle("fr")
    words, errors = messages.format_pattern(messages.get_message(message_id).value, arguments)
    assert not errors
    english = {w for w in re.findall(r"[\w']+", words.lower()) if w in ENGLISH_WORDS}
    assert not english, f"{message_id}: {words}"


def test_a_text_in_english_on_request():
    assert wording.render(text("error-not-found", kind="finding", name="'f'"), "en") == (
        "Finding 'f' not found."
    )
