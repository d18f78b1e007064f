"""A minimal faust application run as its own worker process by test_broker_compatibility:
proves that faust-streaming works against the project's broker (auto-creation off), with a
table and its changelog. Configured from the environment by the test."""

from __future__ import annotations

import os

import faust

app = faust.App(
    os.environ["PROBE_APP_ID"],
    broker=f"kafka://{os.environ['PROBE_BOOTSTRAP']}",
    store="memory://",
    # faust declares its own changelog and assignor topics; the broker creates nothing itself.
    topic_allow_declare=True,
    topic_disable_leader=True,
    web_enabled=False,
    datadir=os.environ["PROBE_DATADIR"],
    broker_session_timeout=10,
    processing_guarantee="at_least_once",
)
source = app.topic(os.environ["PROBE_SOURCE"], key_serializer="raw", value_serializer="raw")
sink = app.topic(os.environ["PROBE_SINK"], key_serializer="raw", value_serializer="raw")
seen = app.Table("seen", default=int, partitions=1)


@app.agent(source)
async def count(stream):
    async for key, value in stream.items():
        seen[key] += 1
        await sink.send(key=key, value=value + b":" + str(seen[key]).encode())
