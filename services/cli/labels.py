"""CLI commands for the label registry: centres, referentials, audits, labels."""

from __future__ import annotations

import argparse

from google.protobuf import json_format
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1 import labels_pb2_grpc

from services.cli.call import Call
from services.cli.parsing import choices, parse_date

STATUSES = choices(pb.LabelStatus.items(), "LABEL_STATUS_")
KINDS = {"integrated": pb.CENTRE_KIND_INTEGRATED, "outsourced": pb.CENTRE_KIND_OUTSOURCED}
COMMANDS = ("centre", "referential", "audit", "label")


def parse_site(text: str) -> pb.Site:
    """SITE_ID:NAME:COUNTRY[:CITY]"""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise argparse.ArgumentTypeError("a site is SITE_ID:NAME:COUNTRY[:CITY]")
    return pb.Site(site_id=parts[0], name=parts[1], country=parts[2], city=(parts[3:] or [""])[0])


def parse_score(text: str) -> pb.CriterionScore:
    code, _, score = text.partition("=")
    if not score.isdigit():
        raise argparse.ArgumentTypeError("a score is CODE=N, e.g. RH-1=8")
    return pb.CriterionScore(code=code, score=int(score))


def add_commands(sub) -> None:
    centre = sub.add_parser("centre", help="register and look up centres").add_subparsers(
        dest="action", required=True
    )
    register = centre.add_parser("register")
    register.add_argument("--id", required=True)
    register.add_argument("--name", required=True)
    register.add_argument("--kind", choices=KINDS, required=True)
    register.add_argument("--owner", default="", help="ordering party owning an integrated centre")
    register.add_argument("--site", type=parse_site, action="append", required=True)
    centre.add_parser("get").add_argument("centre_id")
    centres = centre.add_parser("list")
    centres.add_argument("--status", choices=STATUSES, default="unspecified")
    centres.add_argument("--country", default="")

    referential = sub.add_parser("referential", help="the label referential").add_subparsers(
        dest="action", required=True
    )
    referential.add_parser("publish").add_argument("file", help="PublishReferentialRequest JSON")
    referential.add_parser("get").add_argument("--version", type=int, default=0)

    audit = sub.add_parser("audit", help="audits of centres").add_subparsers(
        dest="action", required=True
    )
    record = audit.add_parser("record")
    record.add_argument("--centre", required=True)
    record.add_argument("--version", type=int, required=True)
    record.add_argument("--date", type=parse_date, required=True)
    record.add_argument("--auditor", required=True)
    record.add_argument("--score", type=parse_score, action="append", required=True)
    audit.add_parser("get").add_argument("audit_id")
    audit.add_parser("list").add_argument("centre_id")

    label = sub.add_parser("label", help="grant, suspend, reinstate, withdraw").add_subparsers(
        dest="action", required=True
    )
    grant = label.add_parser("grant")
    grant.add_argument("--centre", required=True)
    grant.add_argument("--audit", required=True)
    grant.add_argument("--from", dest="valid_from", type=parse_date, required=True)
    grant.add_argument("--until", type=parse_date, required=True)
    suspend = label.add_parser("suspend")
    suspend.add_argument("--centre", required=True)
    suspend.add_argument("--reason", required=True)
    suspend.add_argument("--deadline", type=parse_date, required=True)
    for name in ("reinstate", "withdraw"):
        change = label.add_parser(name)
        change.add_argument("--centre", required=True)
        change.add_argument("--reason", required=True)


def call_for(args: argparse.Namespace) -> Call:
    method, request = _request(args)
    return Call(args.labels, labels_pb2_grpc.LabelRegistryStub, method, request)


def _request(args: argparse.Namespace):
    match args.command, args.action:
        case "centre", "register":
            return "RegisterCentre", pb.RegisterCentreRequest(
                centre_id=args.id,
                name=args.name,
                kind=KINDS[args.kind],
                owner_ordering_party_id=args.owner,
                sites=args.site,
            )
        case "centre", "get":
            return "GetCentre", pb.GetCentreRequest(centre_id=args.centre_id)
        case "centre", "list":
            return "ListCentres", pb.ListCentresRequest(
                label_status=STATUSES[args.status], country=args.country
            )
        case "referential", "publish":
            with open(args.file) as f:
                request = json_format.Parse(f.read(), pb.PublishReferentialRequest())
            return "PublishReferential", request
        case "referential", "get":
            return "GetReferential", pb.GetReferentialRequest(version=args.version)
        case "audit", "record":
            return "RecordAudit", pb.RecordAuditRequest(
                centre_id=args.centre,
                referential_version=args.version,
                audited_on=args.date,
                auditor=args.auditor,
                scores=args.score,
            )
        case "audit", "get":
            return "GetAudit", pb.GetAuditRequest(audit_id=args.audit_id)
        case "audit", "list":
            return "ListAudits", pb.ListAuditsRequest(centre_id=args.centre_id)
        case "label", "grant":
            return "GrantLabel", pb.GrantLabelRequest(
                centre_id=args.centre,
                audit_id=args.audit,
                valid_from=args.valid_from,
                valid_until=args.until,
            )
        case "label", "suspend":
            return "SuspendLabel", pb.SuspendLabelRequest(
                centre_id=args.centre, reason=args.reason, remedy_deadline=args.deadline
            )
        case "label", "reinstate":
            return "ReinstateLabel", pb.ReinstateLabelRequest(
                centre_id=args.centre, reason=args.reason
            )
        case "label", "withdraw":
            return "WithdrawLabel", pb.WithdrawLabelRequest(
                centre_id=args.centre, reason=args.reason
            )
    raise SystemExit(f"unknown command {args.command} {args.action}")
