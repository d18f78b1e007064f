"""CLI commands for the committee's view: findings, listed or followed live."""

from __future__ import annotations

import argparse

from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.compliance.v1 import compliance_pb2_grpc

from services.cli.call import Call, follow
from services.cli.parsing import choices

COMMANDS = ("findings",)
TYPES = choices(pb.FindingType.items(), "FINDING_TYPE_")
SEVERITIES = choices(pb.Severity.items(), "SEVERITY_")


def add_commands(sub) -> None:
    findings = sub.add_parser("findings", help="the compliance findings").add_subparsers(
        dest="action", required=True
    )
    for name in ("list", "watch"):
        command = findings.add_parser(name)
        command.add_argument("--party", default="", help="one ordering party")
        command.add_argument("--type", action="append", choices=TYPES, default=[])
        command.add_argument("--min-severity", choices=SEVERITIES, default="unspecified")


def finding_filter(args: argparse.Namespace) -> pb.FindingFilter:
    return pb.FindingFilter(
        ordering_party_id=args.party,
        types=[TYPES[t] for t in args.type],
        min_severity=SEVERITIES[args.min_severity],
    )


def call_for(args: argparse.Namespace) -> Call:
    request = pb.ListFindingsRequest(filter=finding_filter(args))
    return Call(args.compliance, compliance_pb2_grpc.ComplianceMonitorStub, "ListFindings", request)


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
    return f"  finding [{severity}] {finding.ordering_party_id} {finding.rule}: {finding.summary}"
