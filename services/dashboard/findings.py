"""The findings as the pages show them: the filters read from a query string, and one
finding rendered as a row (the same HTML on the page and in the live feed)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from google.protobuf.timestamp_pb2 import Timestamp
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.clock import PARIS
from services.dashboard import french
from services.dashboard.markup import e, finding_url, party_url

SEVERITY_CSS = {
    pb.SEVERITY_INFO: "info",
    pb.SEVERITY_WARNING: "warning",
    pb.SEVERITY_SERIOUS: "serious",
}
# Enough for a page; older findings are one "since" filter away.
PAGE_LIMIT = 200


@dataclass(frozen=True)
class FindingQuery:
    """The filters of the findings page: ordering party, type, minimum severity, since, and
    where the findings stand (e.g. the contested ones, for the committee to rule on)."""

    party: str = ""
    type: int = 0
    severity: int = 0
    since: date | None = None
    state: int = 0

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> FindingQuery:
        """Unknown values are dropped rather than refused: a stale link still opens."""
        type_ = _int(query.get("type", ""))
        severity = _int(query.get("gravite", ""))
        state = _int(query.get("etat", ""))
        try:
            since = date.fromisoformat(query["depuis"]) if query.get("depuis") else None
        except ValueError:
            since = None
        return cls(
            party=query.get("donneur", "").strip(),
            type=type_ if type_ in french.FINDING_TYPES else 0,
            severity=severity if severity in french.SEVERITIES else 0,
            since=since,
            state=state if state in french.STATE_FILTERS else 0,
        )

    def to_filter(self, after: Timestamp | None = None) -> pb.FindingFilter:
        """The gRPC filter; `after` (a live feed resuming) wins over an earlier `since`."""
        selected = pb.FindingFilter(
            ordering_party_id=self.party,
            types=[self.type] if self.type else [],
            min_severity=self.severity,
            states=[self.state] if self.state else [],
        )
        since = self.since_timestamp()
        if after is not None and (since is None or after.ToNanoseconds() > since.ToNanoseconds()):
            since = after
        if since is not None:
            selected.since.CopyFrom(since)
        return selected

    def since_timestamp(self) -> Timestamp | None:
        if self.since is None:
            return None
        stamp = Timestamp()
        stamp.FromDatetime(datetime(*self.since.timetuple()[:3], tzinfo=PARIS))
        return stamp

    def query_string(self) -> str:
        values = {
            "donneur": self.party,
            "type": self.type or "",
            "gravite": self.severity or "",
            "depuis": self.since.isoformat() if self.since else "",
            "etat": self.state or "",
        }
        return urlencode({k: v for k, v in values.items() if v})


def newest_first(findings: list[pb.Finding]) -> list[pb.Finding]:
    return sorted(findings, key=lambda f: f.recorded_at.ToNanoseconds(), reverse=True)


def row(finding: pb.Finding, link_party: bool = True) -> str:
    """One finding: when, how serious, what, where it stands, whose, why, and the rule's
    source. `link_party`: whether the reader may open the ordering party's page."""
    severity_css = SEVERITY_CSS.get(finding.severity, "info")
    state = finding.state or pb.FINDING_STATE_OPEN  # recorded before the lifecycle: open
    party = (
        f'<a class="party" href="{e(party_url(finding.ordering_party_id))}">'
        f"{e(finding.ordering_party_id)}</a>"
        if link_party
        else f'<span class="party">{e(finding.ordering_party_id)}</span>'
    )
    recorded = finding.recorded_at
    closed = (
        f'<span class="badge closed">Clos le {e(french.moment(finding.closed_at))}</span>'
        if finding.closed_at.seconds
        else ""
    )
    return (
        f'<li class="finding severity-{severity_css}" data-finding-id="{e(finding.finding_id)}"'
        f' data-recorded-at="{recorded.ToMicroseconds()}" data-type="{finding.type}"'
        f' data-severity="{finding.severity}" data-state="{state}"'
        f' data-party="{e(finding.ordering_party_id)}">'
        '<div class="meta">'
        f'<time datetime="{e(recorded.ToJsonString())}">{e(french.moment(recorded))}</time>'
        f'<span class="badge severity-{severity_css}">{e(french.severity(finding.severity))}'
        "</span>"
        f'<span class="type">{e(french.finding_type(finding.type))}</span>'
        f'<span class="badge state state-{state}">{e(french.state(state))}</span>'
        f"{party}{closed}"
        "</div>"
        f'<h3><a href="{e(finding_url(finding.finding_id))}">{e(french.rule(finding.rule))}</a>'
        "</h3>"
        f'<p class="summary">{e(finding.summary)}</p>'
        f'<p class="explanation">{e(finding.explanation)}</p>'
        f'<p class="reference"><span>Source :</span> {e(finding.reference)}</p>'
        "</li>"
    )


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0
