"""`vigie`: the command line for the common calls, the event watcher and the demo.

    vigie token --role committee --org committee
    vigie --as committee:committee centre list --status granted
    vigie --as centre:ctr-lille centre register --id ctr-lille --name "..." --kind outsourced \\
          --site lille-1:Lille 1:FR:Lille
    vigie events watch --from-beginning
    vigie deadletters list --consumer compliance.checks
    vigie deadletters replay --offset 12
    vigie demo

    vigie --as ordering_party:banque tender register services/cli/samples/tender-perennial.json
    vigie --as centre:ctr-lille volumes import export.csv --contract <contract id>
    vigie --as ordering_party:banque notice issue --contract <id> --percent -40 \\
          --effective 2026-12-07 --reason "baisse d'activité"
    vigie --as ordering_party:banque notices preview --contract <id> --percent -40 \\
          --desired 2026-12-07
    vigie --as centre:ctr-lille alerts watch
    vigie --as committee:committee findings watch --min-severity serious
    vigie --as committee:committee policy get > politique.json
    vigie --as committee:committee policy publish politique.json --effective-from 2027-01-01 \\
          --rationale "délibération du comité du 2 décembre 2026"

Identity: `--token` or `--as ROLE:ORG` (a development token minted with VIGIE_TOKEN_KEY).
Addresses: `--labels` / VIGIE_LABELS_ADDR (127.0.0.1:50051), `--contracts` /
VIGIE_CONTRACTS_ADDR (127.0.0.1:50052), `--notices` / VIGIE_NOTICES_ADDR (127.0.0.1:50053),
`--compliance` / VIGIE_COMPLIANCE_ADDR (127.0.0.1:50054)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from services.cli import compliance, contracts, deadletters, labels, notices, policy
from services.common import identity
from services.common.settings import load


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vigie", description=__doc__.split("\n")[0])
    parser.add_argument("--as", dest="as_", metavar="ROLE:ORG", help="mint a development token")
    parser.add_argument("--token", help="a bearer token")
    parser.add_argument("--labels", default=os.environ.get("VIGIE_LABELS_ADDR", "127.0.0.1:50051"))
    parser.add_argument(
        "--contracts", default=os.environ.get("VIGIE_CONTRACTS_ADDR", "127.0.0.1:50052")
    )
    parser.add_argument(
        "--notices", default=os.environ.get("VIGIE_NOTICES_ADDR", "127.0.0.1:50053")
    )
    parser.add_argument(
        "--compliance", default=os.environ.get("VIGIE_COMPLIANCE_ADDR", "127.0.0.1:50054")
    )
    sub = parser.add_subparsers(dest="command", required=True)

    token = sub.add_parser("token", help="mint a development token")
    token.add_argument("--role", choices=[r.value for r in identity.Role], required=True)
    token.add_argument("--org", required=True)
    token.add_argument(
        "--ttl",
        type=int,
        default=3600,
        help=f"seconds; the services refuse more than {identity.MAX_LIFETIME_SECONDS}",
    )

    labels.add_commands(sub)
    contracts.add_commands(sub)
    notices.add_commands(sub)
    compliance.add_commands(sub)
    policy.add_commands(sub)

    events = sub.add_parser("events").add_subparsers(dest="action", required=True)
    watch = events.add_parser("watch", help="print Vigie events as they flow")
    watch.add_argument("--topic", action="append")
    watch.add_argument("--from-beginning", action="store_true")
    watch.add_argument("--seconds", type=float, default=0, help="stop after this long")

    deadletters.add_commands(sub)
    sub.add_parser("demo", help="walk the story against the running services")
    return parser


def bearer(args: argparse.Namespace) -> str:
    if args.token:
        return args.token
    if not args.as_:
        raise SystemExit("say who you are: --as ROLE:ORG (development) or --token TOKEN")
    role, _, org = args.as_.partition(":")
    return identity.mint(load().token_key, identity.Role(role), org or role)


def call(args: argparse.Namespace) -> int:
    if (args.command, args.action) == ("alerts", "watch"):
        return notices.watch(args, bearer(args))
    if (args.command, args.action) == ("findings", "watch"):
        return compliance.watch(args, bearer(args))
    modules = (labels, contracts, notices, compliance, policy)
    module = next(m for m in modules if args.command in m.COMMANDS)
    return module.call_for(args).run(bearer(args))


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.command == "token":
        print(identity.mint(load().token_key, identity.Role(args.role), args.org, ttl=args.ttl))
        return
    if args.command == "events":
        from services.cli.watch import watch

        asyncio.run(watch(load().kafka_bootstrap, args.topic, args.from_beginning, args.seconds))
        return
    if args.command == "deadletters":
        sys.exit(deadletters.run(load().kafka_bootstrap, args))
    if args.command == "demo":
        from services.cli.demo import demo

        addresses = {n: getattr(args, n) for n in ("labels", "contracts", "notices", "compliance")}
        sys.exit(asyncio.run(demo(addresses)))
    sys.exit(call(args))
