"""Page « Constat »: one finding, its explanation and source, and its evidence:
- a notice breach: the required and the actual lead time on a calendar with weekends and
  public holidays (the notice itself from NoticeService);
- an unannounced change, forecast errors or an offshoring shift: the volumes as a chart;
- always: the figures of the evidence, and the contract it is about (ContractService);
- its state and history, and the forms that move it along its lifecycle for whom may use
  them (lifecycle.py): contest it, rule on the contest, close it, reopen it. Each form posts
  to a path under the finding, which answers with the finding's page: after a redirect
  once done, at once with the form refused and the text kept otherwise."""

from __future__ import annotations

from urllib.parse import urlencode

import grpc
from aiohttp import web
from google.protobuf import json_format
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import contracts_pb2 as kpb
from vigie.notices.v1 import notices_pb2 as npb

from services.common import wording
from services.common.identity import Caller
from services.dashboard import access, french, lifecycle
from services.dashboard.backends import BackendError, Backends
from services.dashboard.calendar import lead_time_calendar
from services.dashboard.evidence import volume_chart
from services.dashboard.findings import SEVERITY_CSS
from services.dashboard.lifecycle import Action, Attempt
from services.dashboard.markup import (
    contract_url,
    e,
    finding_url,
    notice_box,
    page,
    party_url,
    policy_url,
    table,
)

# A finding that is not there for this person: unknown, not theirs, or not even an id.
GONE = (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT)
CONTRACT_STATUSES = {
    kpb.CONTRACT_STATUS_ACTIVE: "en cours",
    kpb.CONTRACT_STATUS_TERMINATED: "résilié",
}


async def finding_page(request: web.Request) -> web.Response:
    access.require_findings(request["caller"])
    done = lifecycle.ACTIONS.get(request.query.get("fait", ""))
    return await render(request, request.match_info["finding_id"], done=done)


async def contest(request: web.Request) -> web.Response:
    return await act(request, lifecycle.CONTEST)


async def rule_on(request: web.Request) -> web.Response:
    return await act(request, lifecycle.RULING)


async def close(request: web.Request) -> web.Response:
    return await act(request, lifecycle.CLOSING)


async def reopen(request: web.Request) -> web.Response:
    return await act(request, lifecycle.REOPENING)


async def act(request: web.Request, action: Action) -> web.Response:
    """The form's request to ComplianceMonitor as the signed-in person: done, back to the
    finding's page (303, so a reload does not send it again); refused, the page at once with
    the form, its text and why, with a 4xx status."""
    caller, token = request["caller"], request["token"]
    access.require_role(caller, action.roles, action.forbidden)
    finding_id = request.match_info["finding_id"]
    values = lifecycle.values_of(action, await request.post())
    try:
        await request.app["backends"].call(
            "compliance", action.method, action.build(finding_id, values), token
        )
    except BackendError as error:
        return await render(request, finding_id, lifecycle.refused(action, values, error))
    # The empty fragment: the page opens at its top, where it says it is done, rather than at
    # the form's fragment, which a browser carries over a redirect that names none.
    done = finding_url(finding_id) + "?" + urlencode({"fait": action.slug}) + "#"
    raise web.HTTPSeeOther(done)


async def back_to_finding(request: web.Request) -> web.Response:
    """A form's address opened rather than posted (a bookmark, a reload after a refusal)."""
    raise web.HTTPSeeOther(finding_url(request.match_info["finding_id"]))


async def render(
    request: web.Request,
    finding_id: str,
    attempt: Attempt | None = None,
    done: Action | None = None,
) -> web.Response:
    caller, token = request["caller"], request["token"]
    backends: Backends = request.app["backends"]
    # A refused form keeps its text even when the finding cannot be shown with it.
    kept = lifecycle.form(attempt.action, finding_id, attempt) if attempt else ""
    try:
        finding = await find(backends, finding_id, token)
    except BackendError as error:
        if error.code in GONE:
            return _missing(caller, 404)
        html = page("Constat", notice_box(error.message) + kept, caller)
        # Like every page, a backend down gives a message (200); a refused form, its 4xx.
        status = attempt.status if attempt else 200
        return web.Response(text=html, status=status, content_type="text/html")
    if finding is None:
        return _missing(caller, 404)

    evidence = json_format.MessageToDict(finding.evidence)
    sections = [notice_box(done.done, "info")] if done else []
    sections.append(header(finding, access.sees_party_page(caller, finding.ordering_party_id)))
    if finding.type == pb.FINDING_TYPE_NOTICE_BREACH and evidence.get("notice_id"):
        sections.append(await notice_evidence(backends, token, evidence))
    chart = volume_chart(finding.rule, evidence)
    if chart:
        sections.append(f'<section class="evidence-chart"><h2>Volumes</h2>{chart}</section>')
    sections.append(evidence_table(evidence, worded_figures(finding)))
    if finding.contract_id:
        sections.append(await contract_section(backends, token, finding.contract_id))
    sections.append(await history_section(backends, token, finding.finding_id))
    sections.append(lifecycle.forms(caller, finding, attempt))
    html = page(french.rule(finding.rule), "".join(sections), caller)
    return web.Response(
        text=html, status=attempt.status if attempt else 200, content_type="text/html"
    )


def _missing(caller: Caller, status: int) -> web.Response:
    html = page("Constat", notice_box("Constat introuvable, ou hors de votre périmètre."), caller)
    return web.Response(text=html, status=status, content_type="text/html")


async def find(backends: Backends, finding_id: str, token: str) -> pb.Finding | None:
    """GetFinding, which shows an ordering party only its own (None: not there, or not
    theirs)."""
    try:
        return await backends.call(
            "compliance", "GetFinding", pb.GetFindingRequest(finding_id=finding_id), token
        )
    except BackendError as error:
        if error.code == grpc.StatusCode.NOT_FOUND:
            return None
        raise


def policy_line(version: int) -> str:
    """The committee's policy version that produced the finding, linked to its page."""
    words = f"version {version}" if version else "version 0, paramètres par défaut"
    return (
        f'<li class="policy">Politique du comité : <a href="{e(policy_url(version))}">'
        f"{e(words)}</a></li>"
    )


def header(finding: pb.Finding, link_party: bool) -> str:
    severity_css = SEVERITY_CSS.get(finding.severity, "info")
    closed = (
        f"<li>Clos le {e(french.moment(finding.closed_at))} : {e(finding.closing_reason)}</li>"
        if finding.closed_at.seconds
        else ""
    )
    state = (
        f'<li>État : <span class="state state-{finding.state}">'
        f"{e(french.state(finding.state))}</span></li>"
    )
    return (
        f'<section class="finding-detail severity-{severity_css}">'
        f'<p class="meta"><span class="badge severity-{severity_css}">'
        f"{e(french.severity(finding.severity))}</span> "
        f'<span class="type">{e(french.finding_type(finding.type))}</span></p>'
        f'<p class="summary">{e(finding.summary)}</p>'
        f'<p class="explanation">{e(finding.explanation)}</p>'
        f'<p class="reference"><span>Source :</span> {e(finding.reference)}</p>'
        '<ul class="facts">'
        + (
            f'<li>Donneur d\'ordre : <a href="{e(party_url(finding.ordering_party_id))}">'
            f"{e(finding.ordering_party_id)}</a></li>"
            if link_party
            else f"<li>Donneur d'ordre : {e(finding.ordering_party_id)}</li>"
        )
        + (
            f'<li>Centre : <a href="/centres/{e(finding.centre_id)}">'
            f"{e(finding.centre_id)}</a></li>"
            if finding.centre_id
            else ""
        )
        + f"<li>Survenu le {e(french.moment(finding.occurred_at))}, "
        f"enregistré le {e(french.moment(finding.recorded_at))}</li>"
        f"{state}{closed}{policy_line(finding.policy_version)}"
        f"<li>Règle : <code>{e(finding.rule)}</code> · constat <code>{e(finding.finding_id)}</code>"
        "</li></ul></section>"
    )


async def notice_evidence(backends: Backends, token: str, evidence: dict) -> str:
    unit = french.EVIDENCE_UNITS.get(str(evidence.get("unit", "")), 0)
    figures = (
        f"<p>Préavis exigé : <strong>{e(french.lead_time(int(evidence.get('required', 0)), unit))}"
        f"</strong> · préavis donné : <strong>"
        f"{e(french.lead_time(int(evidence.get('actual', 0)), unit))}</strong> · manque : "
        f"<strong>{e(french.number(int(evidence.get('shortfall_days', 0))))} jours</strong>"
        "</p>"
    )
    if evidence.get("below_agent_schedule_floor"):
        figures += (
            '<p class="message warning">Moins que les 7 jours ouvrés dont les plannings des '
            "conseillers ont besoin (Code du travail) : le changement ne peut pas être absorbé "
            "sans bouleverser les plannings.</p>"
        )
    try:
        notice = await backends.call(
            "notices", "GetNotice", npb.GetNoticeRequest(notice_id=evidence["notice_id"]), token
        )
    except BackendError as error:
        return (
            f'<section class="lead-time"><h2>Délai de prévenance</h2>{figures}'
            f"{notice_box('Calendrier indisponible. ' + error.message, 'warning')}</section>"
        )
    notified = french.from_date(notice.notified_on)
    effective = french.from_date(notice.effective_date)
    deadline = french.from_date(notice.verdict.deadline) or notified
    dates = (
        f"<p>Préavis donné le <strong>{e(french.day(notified))}</strong> pour un changement "
        f"effectif le <strong>{e(french.day(effective))}</strong> ; il fallait prévenir au "
        f"plus tard le <strong>{e(french.day(deadline))}</strong>.</p>"
        if notified and effective
        else ""
    )
    # Verdicts recorded before the counting was stated counted the notice day.
    notice_day_counts = notice.verdict.counting != npb.LEAD_TIME_COUNTING_LEGAL
    calendar = (
        lead_time_calendar(notified, deadline, effective, notice_day_counts)
        if notified and effective
        else ""
    )
    return (
        f'<section class="lead-time"><h2>Délai de prévenance</h2>{figures}{dates}'
        f"<p>Motif donné : {e(notice.reason)}</p>{calendar}</section>"
    )


async def history_section(backends: Backends, token: str, finding_id: str) -> str:
    """Every change of the finding, oldest first, with who made it and why (GetFindingHistory:
    the same rights as the finding itself)."""
    try:
        history = await backends.call(
            "compliance",
            "GetFindingHistory",
            pb.GetFindingHistoryRequest(finding_id=finding_id),
            token,
        )
    except BackendError as error:
        problem = notice_box("Historique indisponible. " + error.message, "warning")
        return f'<section class="history"><h2>Historique</h2>{problem}</section>'
    rows = [
        [
            e(french.moment(t.at)),
            e(french.state(t.to_state)),
            e(french.actor(t.actor.role, t.actor.organisation_id)),
            e(t.reason) + "".join(f'<pre class="attachment">{e(a)}</pre>' for a in t.attachments),
        ]
        for t in history.transitions
    ]
    changes = table(["Date", "État", "Par", "Motif"], rows)
    return f'<section class="history"><h2>Historique</h2>{changes}</section>'


# Evidence kept as fixed records ("75 days end of month", the same in every language): the
# explanation carries the same figures as phrases, which the page shows instead.
WORDED_FIGURES = ("observed", "limit")


def worded_figures(finding: pb.Finding) -> dict[str, str]:
    """The figures the finding's explanation words, in French, by evidence key."""
    if not finding.HasField("explanation_wording"):
        return {}
    explanation = wording.from_proto(finding.explanation_wording)
    found = {key: wording.argument_words(explanation, key, "fr") for key in WORDED_FIGURES}
    return {key: words for key, words in found.items() if words is not None}


def evidence_table(evidence: dict, worded: dict[str, str] | None = None) -> str:
    """The evidence's figures with their French labels; `worded` replaces a fixed record by
    its phrase."""
    worded = worded or {}
    rows = [
        [
            f"{e(french.EVIDENCE_LABELS.get(k, k))} <code>{e(k)}</code>",
            e(worded[k]) if k in worded else _cell(k, v),
        ]
        for k, v in sorted(evidence.items(), key=_evidence_order)
    ]
    figures = table(["Élément", "Valeur"], rows)
    return f'<section class="evidence"><h2>Éléments chiffrés</h2>{figures}</section>'


async def contract_section(backends: Backends, token: str, contract_id: str) -> str:
    try:
        contract = await backends.call(
            "contracts", "GetContract", kpb.GetContractRequest(contract_id=contract_id), token
        )
    except BackendError as error:
        problem = notice_box(error.message, "warning")
        return f'<section class="contract"><h2>Contrat</h2>{problem}</section>'
    countries = sorted({s.country for s in contract.sites if s.country})
    status = CONTRACT_STATUSES.get(contract.status, "statut inconnu")
    return (
        '<section class="contract"><h2>Contrat</h2><ul class="facts">'
        f'<li>Contrat <a href="{e(contract_url(contract.contract_id))}">'
        f"<code>{e(contract.contract_id)}</code></a> (version {contract.version}, "
        f"{e(status)})</li>"
        f'<li>Centre : <a href="/centres/{e(contract.centre_id)}">{e(contract.centre_id)}</a>'
        f"{' (labellisé à la signature)' if contract.centre_labelled else ''}</li>"
        f"<li>Prix : {e(french.number(contract.price_cents / 100, 2))} € par heure productive</li>"
        + (
            f"<li>Pays des sites : {e(', '.join(french.country(c) for c in countries))}</li>"
            if countries
            else ""
        )
        + "</ul></section>"
    )


def _cell(key: str, value: object) -> str:
    """A figure, escaped; a contract's id leads to the contract's page."""
    if key == "contract_id" and isinstance(value, str) and value:
        return f'<a href="{e(contract_url(value))}">{e(value)}</a>'
    return e(_figure(value))


def _evidence_order(item: tuple[str, object]) -> tuple[int, str]:
    """The figures in the order of EVIDENCE_LABELS (the order a reader follows), then the rest."""
    known = list(french.EVIDENCE_LABELS)
    return (known.index(item[0]) if item[0] in known else len(known), item[0])


def _figure(value: object) -> str:
    if isinstance(value, list):
        return f"série de {french.number(len(value))} valeurs (voir le graphique)"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return french.number(value, 0 if value.is_integer() else 2)
    if isinstance(value, int):
        return french.number(value)
    return french.EVIDENCE_VALUES.get(str(value), str(value))
