"""CLI commands for tenders, bids, awards, contracts and volume imports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from google.protobuf import json_format
from vigie.contracts.v1 import contracts_pb2 as pb
from vigie.contracts.v1 import contracts_pb2_grpc

from services.cli.call import Call
from services.cli.parsing import choices, parse_date
from services.cli.volumes_csv import read_volumes

TENDER_STATUSES = choices(pb.TenderStatus.items(), "TENDER_STATUS_")
ACTIVITIES = choices(pb.ActivityType.items(), "ACTIVITY_TYPE_")
CONTRACT_STATUSES = choices(pb.ContractStatus.items(), "CONTRACT_STATUS_")
COMMANDS = ("tender", "bid", "contract", "relationship", "volumes")
# Records per stream message: a few hundred kilobytes.
CHUNK = 5000


def add_commands(sub) -> None:
    tender = sub.add_parser("tender", help="register, read and award tenders").add_subparsers(
        dest="action", required=True
    )
    tender.add_parser("register").add_argument("file", help="TenderTerms as JSON")
    tender.add_parser("get").add_argument("tender_id")
    tenders = tender.add_parser("list")
    tenders.add_argument("--status", choices=TENDER_STATUSES, default="unspecified")
    tenders.add_argument("--activity", choices=ACTIVITIES, default="unspecified")
    award = tender.add_parser("award")
    award.add_argument("--tender", required=True)
    award.add_argument("--bid", required=True)

    bid = sub.add_parser("bid", help="bid on an open tender").add_subparsers(
        dest="action", required=True
    )
    submit = bid.add_parser("submit")
    submit.add_argument("--tender", required=True)
    submit.add_argument("--price-cents", type=int, required=True)
    submit.add_argument("--site", action="append", required=True, help="a site id of yours")
    bid.add_parser("list").add_argument("tender_id")

    contract = sub.add_parser("contract", help="read and terminate contracts").add_subparsers(
        dest="action", required=True
    )
    contract.add_parser("get").add_argument("contract_id")
    contract.add_parser("list").add_argument(
        "--status", choices=CONTRACT_STATUSES, default="unspecified"
    )
    terminate = contract.add_parser("terminate")
    terminate.add_argument("--contract", required=True)
    terminate.add_argument("--date", type=parse_date, required=True, help="the last day")
    terminate.add_argument("--reason", required=True)

    relationship = sub.add_parser(
        "relationship", help="an ordering party's relationship with an outsourcer (L442-1 II)"
    ).add_subparsers(dest="action", required=True)
    declare = relationship.add_parser("declare", help="its start, older than its contracts here")
    declare.add_argument("--party", default="", help="the ordering party (the committee)")
    declare.add_argument("--centre", required=True)
    declare.add_argument("--since", type=parse_date, required=True, help="its first day")
    declare.add_argument("--evidence", type=Path, required=True, help="a text file")
    show = relationship.add_parser("get", help="since when it runs on a day")
    show.add_argument("--party", default="")
    show.add_argument("--centre", default="")
    show.add_argument("--on", type=parse_date, help="the day (today by default)")

    volumes = sub.add_parser("volumes", help="report interval volumes").add_subparsers(
        dest="action", required=True
    )
    upload = volumes.add_parser("import", help="a workforce-management CSV export")
    upload.add_argument("file", type=Path)
    upload.add_argument("--contract", default="", help="when the file has no contract_id column")
    upload.add_argument("--interval", type=int, default=15, help="minutes, when not a column")


def call_for(args: argparse.Namespace) -> Call:
    stub, method, request = _request(args)
    return Call(args.contracts, stub, method, request)


def _request(args: argparse.Namespace):
    tenders, contracts = (
        contracts_pb2_grpc.TenderServiceStub,
        contracts_pb2_grpc.ContractServiceStub,
    )
    match args.command, args.action:
        case "tender", "register":
            terms = json_format.Parse(Path(args.file).read_text(), pb.TenderTerms())
            return tenders, "RegisterTender", pb.RegisterTenderRequest(terms=terms)
        case "tender", "get":
            return tenders, "GetTender", pb.GetTenderRequest(tender_id=args.tender_id)
        case "tender", "list":
            return (
                tenders,
                "ListTenders",
                pb.ListTendersRequest(
                    status=TENDER_STATUSES[args.status], activity_type=ACTIVITIES[args.activity]
                ),
            )
        case "tender", "award":
            return (
                tenders,
                "AwardTender",
                pb.AwardTenderRequest(tender_id=args.tender, bid_id=args.bid),
            )
        case "bid", "submit":
            sites = [pb.ProposedSite(site_id=s) for s in args.site]
            return (
                tenders,
                "SubmitBid",
                pb.SubmitBidRequest(
                    tender_id=args.tender, price_cents=args.price_cents, sites=sites
                ),
            )
        case "bid", "list":
            return tenders, "ListBids", pb.ListBidsRequest(tender_id=args.tender_id)
        case "contract", "get":
            return contracts, "GetContract", pb.GetContractRequest(contract_id=args.contract_id)
        case "contract", "list":
            return (
                contracts,
                "ListContracts",
                pb.ListContractsRequest(status=CONTRACT_STATUSES[args.status]),
            )
        case "contract", "terminate":
            return (
                contracts,
                "TerminateContract",
                pb.TerminateContractRequest(
                    contract_id=args.contract, effective_date=args.date, reason=args.reason
                ),
            )
        case "relationship", "declare":
            return (
                contracts,
                "DeclareRelationship",
                pb.DeclareRelationshipRequest(
                    ordering_party_id=args.party,
                    centre_id=args.centre,
                    since=args.since,
                    evidence=args.evidence.read_text(encoding="utf-8"),
                ),
            )
        case "relationship", "get":
            request = pb.GetRelationshipRequest(ordering_party_id=args.party, centre_id=args.centre)
            if args.on is not None:
                request.on.CopyFrom(args.on)
            return contracts, "GetRelationship", request
        case "volumes", "import":
            return contracts, "ReportVolumes", _chunks(args)
    raise SystemExit(f"unknown command {args.command} {args.action}")


def _chunks(args: argparse.Namespace) -> Iterator[pb.ReportVolumesRequest]:
    try:
        records = read_volumes(args.file.read_text(), args.contract, args.interval)
    except ValueError as exc:
        raise SystemExit(f"{args.file}: {exc}") from None
    print(f"{len(records)} intervals read from {args.file}", file=sys.stderr)
    return iter(
        [
            pb.ReportVolumesRequest(records=records[i : i + CHUNK])
            for i in range(0, len(records), CHUNK)
        ]
    )
