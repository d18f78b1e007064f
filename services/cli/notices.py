"""CLI commands for workload-change notices and the centres' alert streams."""

from __future__ import annotations

import argparse

from vigie.notices.v1 import notices_pb2 as pb
from vigie.notices.v1 import notices_pb2_grpc

from services.cli.call import Call, follow
from services.cli.parsing import parse_date
from services.common import wording
from services.rules.wording import text

COMMANDS = ("notice", "notices", "alerts")


def add_commands(sub) -> None:
    notice = sub.add_parser(
        "notice", aliases=["notices"], help="workload-change notices"
    ).add_subparsers(dest="action", required=True)
    issue = notice.add_parser("issue", help="as the ordering party")
    _change_arguments(issue)
    issue.add_argument("--effective", type=parse_date, required=True)
    issue.add_argument("--reason", required=True)
    preview = notice.add_parser(
        "preview",
        help="as the ordering party: the earliest date a change may take effect (records nothing)",
    )
    _change_arguments(preview)
    preview.add_argument("--notified", type=parse_date, help="the notification day; today if unset")
    preview.add_argument("--desired", type=parse_date, help="a desired effective date to judge")
    notice.add_parser("ack", help="as the centre").add_argument("notice_id")
    notice.add_parser("get").add_argument("notice_id")
    listing = notice.add_parser("list")
    listing.add_argument("--contract", default="")
    listing.add_argument("--breaches", action="store_true")

    alerts = sub.add_parser("alerts", help="a centre's alert stream").add_subparsers(
        dest="action", required=True
    )
    watch = alerts.add_parser("watch", help="print alerts live; Ctrl-C to stop")
    watch.add_argument("--after", type=int, help="resume after this cursor")
    watch.add_argument("--centre", default="", help="for the committee: whose alerts")
    alerts.add_parser("ack", help="mark alerts seen").add_argument("up_to_cursor", type=int)


def _change_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--contract", required=True)
    change = parser.add_mutually_exclusive_group(required=True)
    change.add_argument("--percent", type=int, help="e.g. -40 for a 40 %% cut")
    change.add_argument("--new-level", type=int, help="new monthly contacts")
    change.add_argument("--termination", action="store_true")


def _change(args: argparse.Namespace) -> pb.WorkloadChange:
    if args.termination:
        return pb.WorkloadChange(termination=True)
    if args.percent is not None:
        return pb.WorkloadChange(change_percent=args.percent)
    return pb.WorkloadChange(new_contacts_per_month=args.new_level)


def call_for(args: argparse.Namespace) -> Call:
    method, request = _request(args)
    return Call(args.notices, notices_pb2_grpc.NoticeServiceStub, method, request)


def _request(args: argparse.Namespace):
    command = "notice" if args.command == "notices" else args.command
    match command, args.action:
        case "notice", "issue":
            return "IssueWorkloadChange", pb.IssueWorkloadChangeRequest(
                contract_id=args.contract,
                change=_change(args),
                effective_date=args.effective,
                reason=args.reason,
            )
        case "notice", "preview":
            request = pb.PreviewWorkloadChangeRequest(
                contract_id=args.contract, change=_change(args)
            )
            if args.notified is not None:
                request.notified_on.CopyFrom(args.notified)
            if args.desired is not None:
                request.desired_effective_date.CopyFrom(args.desired)
            return "PreviewWorkloadChange", request
        case "notice", "ack":
            return "AcknowledgeNotice", pb.AcknowledgeNoticeRequest(notice_id=args.notice_id)
        case "notice", "get":
            return "GetNotice", pb.GetNoticeRequest(notice_id=args.notice_id)
        case "notice", "list":
            return "ListNotices", pb.ListNoticesRequest(
                contract_id=args.contract, breaches_only=args.breaches
            )
        case "alerts", "ack":
            return "AcknowledgeAlerts", pb.AcknowledgeAlertsRequest(up_to_cursor=args.up_to_cursor)
    raise SystemExit(f"unknown command {args.command} {args.action}")


def watch(args: argparse.Namespace, bearer: str) -> int:
    """Print a centre's alerts as they arrive, one line each, until interrupted."""
    request = pb.SubscribeAlertsRequest(centre_id=args.centre)
    if args.after is not None:
        request.after_cursor = args.after
    return follow(
        args.notices,
        notices_pb2_grpc.NoticeServiceStub,
        "SubscribeAlerts",
        request,
        bearer,
        alert_line,
    )


def alert_line(alert: pb.Alert) -> str:
    kind = pb.AlertKind.Name(alert.kind).removeprefix("ALERT_KIND_").lower()
    # The cursor is an id, shown as it is (no thousands separator).
    line = text(
        "alert-line",
        cursor=str(alert.cursor),
        centre=alert.centre_id,
        kind=kind,
        summary=wording.text_of(alert, "summary"),
    )
    return f"  {wording.render(line)}"
