"""CLI commands for the committee's policy: read a version (by number, in force on a day, or
the latest), list them all, and publish the next one from a file that `vigie policy get`
printed and the committee edited."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from google.protobuf import json_format
from vigie.policy.v1 import policy_pb2 as pb
from vigie.policy.v1 import policy_pb2_grpc

from services.cli.call import Call
from services.cli.parsing import parse_date

COMMANDS = ("policy",)


def add_commands(sub) -> None:
    policy = sub.add_parser("policy", help="the committee's parameters").add_subparsers(
        dest="action", required=True
    )
    get = policy.add_parser("get", help="the latest version, or the one asked for")
    which = get.add_mutually_exclusive_group()
    which.add_argument("--version", type=int)
    which.add_argument("--in-force-on", type=parse_date, metavar="YYYY-MM-DD")
    policy.add_parser("list", help="every version, oldest first")
    publish = policy.add_parser("publish", help="as the committee: the next version")
    publish.add_argument("file", help="a version as `vigie policy get` prints it, edited")
    publish.add_argument("--effective-from", type=parse_date, required=True, metavar="YYYY-MM-DD")
    publish.add_argument("--rationale", required=True, help="the deliberation it rests on")
    publish.add_argument(
        "--version", type=int, help="the number to publish (default: the file's version + 1)"
    )


def call_for(args: argparse.Namespace) -> Call:
    method, request = _request(args)
    return Call(args.compliance, policy_pb2_grpc.PolicyServiceStub, method, request)


def _request(args: argparse.Namespace):
    match args.action:
        case "get" if args.version is not None:
            return "GetPolicy", pb.GetPolicyRequest(version=args.version)
        case "get" if args.in_force_on is not None:
            return "GetPolicy", pb.GetPolicyRequest(in_force_on=args.in_force_on)
        case "get":
            return "GetPolicy", pb.GetPolicyRequest()
        case "list":
            return "ListPolicies", pb.ListPoliciesRequest()
        case "publish":
            return "PublishPolicy", publish_request(args)
    raise SystemExit(f"unknown command policy {args.action}")


def publish_request(args: argparse.Namespace) -> pb.PublishPolicyRequest:
    document = json.loads(Path(args.file).read_text(encoding="utf-8"))
    # What `vigie policy get` prints is a published version: its policy is under "policy".
    policy = json_format.ParseDict(document.get("policy", document), pb.CommitteePolicy())
    policy.version = args.version if args.version is not None else policy.version + 1
    policy.effective_from.CopyFrom(args.effective_from)
    return pb.PublishPolicyRequest(policy=policy, rationale=args.rationale)
