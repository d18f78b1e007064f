"""CLI commands for the findings: listed or followed live, contested by the ordering party or
a centre concerned, ruled on, closed and reopened by the committee, and their history."""

from __future__ import annotations

import argparse

from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.cli.call import Call, follow
from services.cli.parsing import choices
from services.common import wording
from services.rules.wording import text

COMMANDS = ("findings",)
TYPES = choices(pb.FindingType.items(), "FINDING_TYPE_")
SEVERITIES = choices(pb.Severity.items(), "SEVERITY_")
STATES = choices(pb.FindingState.items(), "FINDING_STATE_")
DECISIONS = choices(pb.ContestDecision.items(), "CONTEST_DECISION_")


def add_commands(sub) -> None:
    findings = sub.add_parser("findings", help="the compliance findings").add_subparsers(
        dest="action", required=True
    )
    for name in ("list", "watch"):
        command = findings.add_parser(name)
        command.add_argument("--party", default="", help="one ordering party")
        command.add_argument("--type", action="append", choices=TYPES, default=[])
        command.add_argument("--min-severity", choices=SEVERITIES, default="unspecified")
        command.add_argument(
            "--state",
            action="append",
            choices=[s for s in STATES if s != "unspecified"],
            default=[],
            help="e.g. contested (repeat for several)",
        )
    findings.add_parser("get").add_argument("finding_id")
    findings.add_parser("history", help="every change, oldest first").add_argument("finding_id")
    contest = findings.add_parser("contest", help="as the ordering party or a centre concerned")
    contest.add_argument("finding_id")
    contest.add_argument("--grounds", required=True, help="why the finding is wrong")
    contest.add_argument(
        "--attach",
        action="append",
        type=read_text,
        default=[],
        metavar="FILE",
        help="a text document in support (repeat for several)",
    )
    rule = findings.add_parser("rule", help="as the committee, on a contested finding")
    rule.add_argument("finding_id")
    rule.add_argument(
        "--decision", choices=[d for d in DECISIONS if d != "unspecified"], required=True
    )
    rule.add_argument("--reasons", required=True)
    for name, helped in (("close", "once remedied"), ("reopen", "remedied or ruled on")):
        command = findings.add_parser(name, help=f"as the committee: {helped}")
        command.add_argument("finding_id")
        command.add_argument("--reason", required=True)


def read_text(path: str) -> str:
    with open(path, encoding="utf-8") as document:
        return document.read()


def finding_filter(args: argparse.Namespace) -> pb.FindingFilter:
    return pb.FindingFilter(
        ordering_party_id=args.party,
        types=[TYPES[t] for t in args.type],
        min_severity=SEVERITIES[args.min_severity],
        states=[STATES[s] for s in args.state],
    )


def call_for(args: argparse.Namespace) -> Call:
    method, request = _request(args)
    return Call(args.compliance, compliance_pb2_grpc.ComplianceMonitorStub, method, request)


def _request(args: argparse.Namespace):
    match args.action:
        case "list":
            return "ListFindings", pb.ListFindingsRequest(filter=finding_filter(args))
        case "get":
            return "GetFinding", pb.GetFindingRequest(finding_id=args.finding_id)
        case "history":
            return "GetFindingHistory", pb.GetFindingHistoryRequest(finding_id=args.finding_id)
        case "contest":
            return "ContestFinding", pb.ContestFindingRequest(
                finding_id=args.finding_id, grounds=args.grounds, attachments=args.attach
            )
        case "rule":
            return "RuleOnFinding", pb.RuleOnFindingRequest(
                finding_id=args.finding_id, decision=DECISIONS[args.decision], reasons=args.reasons
            )
        case "close":
            return "CloseFinding", pb.CloseFindingRequest(
                finding_id=args.finding_id, reason=args.reason
            )
        case "reopen":
            return "ReopenFinding", pb.ReopenFindingRequest(
                finding_id=args.finding_id, reason=args.reason
            )
    raise SystemExit(f"unknown command findings {args.action}")


def watch(args: argparse.Namespace, bearer: str) -> int:
    """Print findings as they are recorded, one line each, until interrupted."""
    request = pb.WatchFindingsRequest(filter=finding_filter(args))
    return follow(
        args.compliance,
        compliance_pb2_grpc.ComplianceMonitorStub,
        "WatchFindings",
        request,
        bearer,
        finding_line,
    )


def finding_line(finding: pb.Finding) -> str:
    severity = pb.Severity.Name(finding.severity).removeprefix("SEVERITY_").lower()
    state = pb.FindingState.Name(finding.state).removeprefix("FINDING_STATE_").lower()
    line = text(
        "finding-line",
        severity=severity,
        state=state,
        party=finding.ordering_party_id or finding.centre_id,
        rule=finding.rule,
        summary=wording.text_of(finding, "summary"),
    )
    return f"  {wording.render(line)}"
