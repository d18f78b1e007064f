"""Labels expire by themselves at the end of their validity: the sweep, run with a clock two
days ahead, against the real database; the running service's relay publishes the events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from google.protobuf import json_format
from vigie.labels.v1 import labels_pb2 as pb

from services.cli.demo import SAMPLE_REFERENTIAL
from services.common import db, topics
from services.common.envelope import decode
from services.labels.bootstrap import bootstrap
from services.labels.unit_of_work import PostgresUnitsOfWork
from tests.integration.test_labels_service import (
    audit_request,
    centre_request,
    day,
    new_centre_id,
)

pytestmark = pytest.mark.integration


async def test_a_label_past_its_validity_expires_once_with_its_events(
    settings, tail, labels_service
):
    pool = await db.connect(settings.database_url, "labels")
    now = datetime.now(UTC)
    app = bootstrap(PostgresUnitsOfWork(pool), now=lambda: now)
    today = app.labels.today()
    events = await tail(topics.LABEL_EVENTS)
    centre_id = new_centre_id()
    try:
        await app.centres.register(centre_request(centre_id))
        referential = await app.audits.publish_referential(
            json_format.Parse(SAMPLE_REFERENTIAL.read_text(), pb.PublishReferentialRequest())
        )
        audit = await app.audits.record(audit_request(centre_id, referential))
        await app.labels.grant(
            pb.GrantLabelRequest(
                centre_id=centre_id,
                audit_id=audit.audit_id,
                valid_from=day(today),
                valid_until=day(today + timedelta(days=1)),
            )
        )
        await app.labels.expire_due()  # today: still valid
        assert (await app.centres.get(centre_id)).label.status == pb.LABEL_STATUS_GRANTED

        later = bootstrap(PostgresUnitsOfWork(pool), now=lambda: now + timedelta(days=2))
        assert await later.labels.expire_due() >= 1
        assert (
            await later.labels.expire_due() == 0
        )  # nothing left to expire: the sweep is idempotent
        centre = await later.centres.get(centre_id)
        assert centre.label.status == pb.LABEL_STATUS_EXPIRED

        records = await events.collect(lambda r: r.key == centre_id.encode(), 4)
        kinds = [decode(r.value)[0].event_type.rsplit(".", 1)[1] for r in records]
        assert kinds == ["CentreRegistered", "AuditRecorded", "LabelGranted", "LabelExpired"]
    finally:
        await pool.close()
