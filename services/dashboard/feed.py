"""The live feed of findings as server-sent events, fed from ComplianceMonitor.WatchFindings
with the page's filters and the person's own token.

Each event's id is the finding's recording time: when the connection drops, the browser's
EventSource reconnects by itself and sends it back (Last-Event-ID), and the feed resumes
from that time (`since`). The last finding seen comes again and the page drops it by its
finding_id. A backend that fails is reported as a `panne` event, then the response ends so
that the browser reconnects a few seconds later."""

from __future__ import annotations

import asyncio
import contextlib
import json

import grpc
from aiohttp import web
from google.protobuf.timestamp_pb2 import Timestamp
from vigie.compliance.v1 import compliance_pb2 as pb

from services.dashboard import access
from services.dashboard.backends import BackendError
from services.dashboard.findings import FindingQuery, row

RETRY_MS = 3000
# A comment line this often keeps proxies from closing an idle stream, and shows when the
# browser has gone (the write fails).
KEEPALIVE = 15.0
_END = object()


async def findings_feed(request: web.Request) -> web.StreamResponse:
    caller, token = request["caller"], request["token"]
    access.require_findings(caller)
    query = access.scoped(caller, FindingQuery.from_query(request.query))
    after = _timestamp(request.headers.get("Last-Event-ID") or request.query.get("apres", ""))

    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # a reverse proxy must not hold the events back
        }
    )
    await response.prepare(request)
    await response.write(f"retry: {RETRY_MS}\n\n".encode())

    call = request.app["backends"].stream(
        "compliance", "WatchFindings", pb.WatchFindingsRequest(filter=query.to_filter(after)), token
    )
    request.app["feeds"].add(call)
    queue: asyncio.Queue = asyncio.Queue()
    reader = asyncio.create_task(_read(call, queue))
    try:
        while True:
            try:
                item = await asyncio.wait_for(queue.get(), KEEPALIVE)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if item is _END:
                break
            if isinstance(item, BackendError):
                await _send(response, "panne", {"message": item.message})
                break
            await _send(
                response,
                "constat",
                {
                    "id": item.finding_id,
                    "recorded_at": item.recorded_at.ToMicroseconds(),
                    "html": row(item, access.sees_party_page(caller, item.ordering_party_id)),
                },
                event_id=item.recorded_at.ToJsonString(),
            )
    except ConnectionResetError:
        pass  # the browser left: nothing more to send
    finally:
        call.cancel()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        request.app["feeds"].discard(call)
    return response


async def _read(call, queue: asyncio.Queue) -> None:
    try:
        async for finding in call:
            queue.put_nowait(finding)
    except grpc.RpcError as error:
        if error.code() != grpc.StatusCode.CANCELLED:
            queue.put_nowait(BackendError.of("compliance", error))
    finally:
        # However the stream ended (even cancelled by a server stopping), the response ends.
        queue.put_nowait(_END)


async def _send(response: web.StreamResponse, event: str, data: dict, event_id: str = "") -> None:
    lines = f"id: {event_id}\n" if event_id else ""
    payload = json.dumps(data, ensure_ascii=False)
    await response.write(f"{lines}event: {event}\ndata: {payload}\n\n".encode())


def _timestamp(text: str) -> Timestamp | None:
    if not text:
        return None
    stamp = Timestamp()
    try:
        stamp.FromJsonString(text)
    except ValueError:
        return None
    return stamp
