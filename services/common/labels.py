"""The label as the label registry publishes it (vigie.labels.v1.Label), read into the
domain's terms: shared by the labels service and every service that projects label status."""

from __future__ import annotations

from vigie.labels.v1 import labels_pb2 as pb

from services.common.protos import optional_date
from services.rules import label_lifecycle as lifecycle


def rule_label(label: pb.Label) -> lifecycle.Label:
    return lifecycle.Label(
        status=lifecycle.Status(label.status or pb.LABEL_STATUS_NONE),
        valid_from=optional_date(label, "valid_from"),
        valid_until=optional_date(label, "valid_until"),
        audit_id=label.audit_id,
        reason=label.reason,
        remedy_deadline=optional_date(label, "remedy_deadline"),
    )
