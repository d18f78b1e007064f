"""The compliance checks as a faust application: the worker processes of one consumer group
share the partitions of the topics they check. Run one with `python -m services.compliance`.

Processing is at least once (faust's exactly-once has lost table updates on this stack); what
the agents write is idempotent by construction instead: findings carry ids derived from what
they are about, and every consumer of the findings topic keeps each id once."""

from __future__ import annotations

import os
from pathlib import Path

import faust

from services.common import topics
from services.common.settings import load

settings = load()
DATA_DIR = Path(os.environ.get("VIGIE_COMPLIANCE_DATA_DIR", "/tmp/vigie-compliance"))

# The consumer group of the workers; another id is another group, which checks every topic
# again from the start (a replay).
APP_ID = os.environ.get("VIGIE_COMPLIANCE_APP_ID", "vigie-compliance")

app = faust.App(
    APP_ID,
    broker=f"kafka://{settings.kafka_bootstrap}",
    store="memory://",
    # faust declares its own topics (changelogs, assignor); the broker creates nothing itself.
    topic_allow_declare=True,
    topic_disable_leader=True,
    processing_guarantee="at_least_once",
    # A dead worker's partitions move to the others after 10 s, not the default 60.
    broker_session_timeout=10,
    consumer_auto_offset_reset="earliest",
    web_host=os.environ.get("VIGIE_COMPLIANCE_WEB_HOST", "127.0.0.1"),
    web_port=int(os.environ.get("VIGIE_COMPLIANCE_WEB_PORT", "6066")),
    datadir=str(DATA_DIR),
)

# Records stay raw bytes: the envelope is decoded by the project's own code.
checked = app.topic(
    topics.TENDER_EVENTS,
    topics.CONTRACT_EVENTS,
    topics.NOTICE_EVENTS,
    key_serializer="raw",
    value_serializer="raw",
)
findings = app.topic(topics.FINDINGS, key_serializer="raw", value_serializer="raw")
dead_letters = app.topic(topics.DEAD_LETTER, key_serializer="raw", value_serializer="raw")

from services.compliance import agents  # noqa: E402,F401  (registers the agents)
