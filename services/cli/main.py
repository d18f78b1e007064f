"""`vigie`: the command line for the common calls, the event watcher and the demo.

    vigie token --role committee --org committee
    vigie --as committee:committee centre list --status granted
    vigie --as centre:ctr-lille centre register --id ctr-lille --name "..." --kind outsourced \\
          --site lille-1:Lille 1:FR:Lille
    vigie events watch --from-beginning
    vigie demo

Identity: `--token` or `--as ROLE:ORG` (a development token minted with VIGIE_TOKEN_KEY).
Addresses: `--labels HOST:PORT` or VIGIE_LABELS_ADDR (default 127.0.0.1:50051)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import date

import grpc
from google.protobuf import json_format
from google.type.date_pb2 import Date
from vigie.labels.v1 import labels_pb2 as pb
from vigie.labels.v1 import labels_pb2_grpc

from services.cli import output
from services.common import identity
from services.common.settings import load

STATUSES = {s.removeprefix("LABEL_STATUS_").lower(): v for s, v in pb.LabelStatus.items()}
KINDS = {"integrated": pb.CENTRE_KIND_INTEGRATED, "outsourced": pb.CENTRE_KIND_OUTSOURCED}


def parse_date(text: str) -> Date:
    day = date.fromisoformat(text)
    return Date(year=day.year, month=day.month, day=day.day)


def parse_site(text: str) -> pb.Site:
    """SITE_ID:NAME:COUNTRY[:CITY]"""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise argparse.ArgumentTypeError("a site is SITE_ID:NAME:COUNTRY[:CITY]")
    return pb.Site(site_id=parts[0], name=parts[1], country=parts[2], city=(parts[3:] or [""])[0])


def parse_score(text: str) -> pb.CriterionScore:
    code, _, score = text.partition("=")
    if not score.isdigit():
        raise argparse.ArgumentTypeError("a score is CODE=N, e.g. HR-1=8")
    return pb.CriterionScore(code=code, score=int(score))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigie", description=__doc__.split("\n")[0])
    parser.add_argument("--as", dest="as_", metavar="ROLE:ORG", help="mint a development token")
    parser.add_argument("--token", help="a bearer token")
    parser.add_argument("--labels", default=os.environ.get("VIGIE_LABELS_ADDR", "127.0.0.1:50051"))
    sub = parser.add_subparsers(dest="command", required=True)

    token = sub.add_parser("token", help="mint a development token")
    token.add_argument("--role", choices=[r.value for r in identity.Role], required=True)
    token.add_argument("--org", required=True)
    token.add_argument("--ttl", type=int, default=3600)

    centre = sub.add_parser("centre").add_subparsers(dest="action", required=True)
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

    referential = sub.add_parser("referential").add_subparsers(dest="action", required=True)
    publish = referential.add_parser("publish")
    publish.add_argument("file", help="a PublishReferentialRequest as JSON")
    referential.add_parser("get").add_argument("--version", type=int, default=0)

    audit = sub.add_parser("audit").add_subparsers(dest="action", required=True)
    record = audit.add_parser("record")
    record.add_argument("--centre", required=True)
    record.add_argument("--version", type=int, required=True)
    record.add_argument("--date", type=parse_date, required=True)
    record.add_argument("--auditor", required=True)
    record.add_argument("--score", type=parse_score, action="append", required=True)
    audit.add_parser("get").add_argument("audit_id")
    audit.add_parser("list").add_argument("centre_id")

    label = sub.add_parser("label").add_subparsers(dest="action", required=True)
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

    events = sub.add_parser("events").add_subparsers(dest="action", required=True)
    watch = events.add_parser("watch", help="print Vigie events as they flow")
    watch.add_argument("--topic", action="append")
    watch.add_argument("--from-beginning", action="store_true")
    watch.add_argument("--seconds", type=float, default=0, help="stop after this long")

    sub.add_parser("demo", help="walk the labels story against the running services")
    return parser


def request_for(args: argparse.Namespace):
    """The gRPC method name and request message for a call command."""
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
                return "PublishReferential", json_format.Parse(
                    f.read(), pb.PublishReferentialRequest()
                )
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


def bearer(args: argparse.Namespace) -> str:
    if args.token:
        return args.token
    if not args.as_:
        raise SystemExit("say who you are: --as ROLE:ORG (development) or --token TOKEN")
    role, _, org = args.as_.partition(":")
    return identity.mint(load().token_key, identity.Role(role), org or role)


def call(args: argparse.Namespace) -> int:
    method, request = request_for(args)
    with grpc.insecure_channel(args.labels) as channel:
        stub = labels_pb2_grpc.LabelRegistryStub(channel)
        try:
            response = getattr(stub, method)(
                request, metadata=[("authorization", f"Bearer {bearer(args)}")], timeout=10
            )
        except grpc.RpcError as error:
            output.rpc_error(error)
            return 1
    output.message(response)
    return 0


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "token":
        print(identity.mint(load().token_key, identity.Role(args.role), args.org, ttl=args.ttl))
        return
    if args.command == "events":
        from services.cli.watch import watch

        asyncio.run(watch(load().kafka_bootstrap, args.topic, args.from_beginning, args.seconds))
        return
    if args.command == "demo":
        from services.cli.demo import demo

        sys.exit(asyncio.run(demo(args.labels)))
    sys.exit(call(args))
