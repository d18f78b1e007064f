"""Container health check: exit 0 when the gRPC health service answers SERVING.

`python -m services.common.healthcheck --port 50051 [--service NAME]`"""

from __future__ import annotations

import argparse
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--service", default="")
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    try:
        with grpc.insecure_channel(f"{args.host}:{args.port}") as channel:
            response = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=args.service), timeout=args.timeout
            )
    except grpc.RpcError as exc:
        print(f"unhealthy: {exc.code().name}", file=sys.stderr)
        sys.exit(1)
    status = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    print(status)
    sys.exit(0 if response.status == health_pb2.HealthCheckResponse.SERVING else 1)


if __name__ == "__main__":
    main()
