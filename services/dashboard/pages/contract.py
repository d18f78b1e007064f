"""Pages « Contrats » and « Contrat »: the contracts a person may see (ContractService decides:
an ordering party its own, a centre those it works on, the committee all) and one contract —
its parties, centre, activity, dates, status, notice schedule and findings. An unknown
contract, or one that is not the reader's, is not there: 404. For the contract's ordering
party, the form « Simuler un changement de charge » (preview.py), sent by GET to
`/contrats/<id>/simulation` since it records nothing: the page answers with the service's
answer, or with the refusal next to the form (4xx), the values typed kept."""

from __future__ import annotations

import grpc
from aiohttp import web
from vigie.compliance.v1 import compliance_pb2 as pb
from vigie.contracts.v1 import contracts_pb2 as kpb

from services.common.clock import french_today
from services.common.identity import Caller, Role
from services.dashboard import access, french, preview
from services.dashboard.backends import BackendError, Backends
from services.dashboard.findings import newest_first, row
from services.dashboard.markup import contract_url, e, notice_box, page, party_url, table

# A contract that is not there for this person: unknown, not theirs, not even an id, or a
# role that sees no contract at all.
GONE = (
    grpc.StatusCode.NOT_FOUND,
    grpc.StatusCode.INVALID_ARGUMENT,
    grpc.StatusCode.PERMISSION_DENIED,
)
CONTRACT_STATUSES = {
    kpb.CONTRACT_STATUS_ACTIVE: "en cours",
    kpb.CONTRACT_STATUS_TERMINATED: "résilié",
}
ACTIVITIES = {
    kpb.ACTIVITY_TYPE_PERENNIAL: "activité pérenne",
    kpb.ACTIVITY_TYPE_CAMPAIGN: "campagne",
    kpb.ACTIVITY_TYPE_PUNCTUAL: "opération ponctuelle",
}
CHANNELS = {
    kpb.CHANNEL_PHONE: "téléphone",
    kpb.CHANNEL_EMAIL: "courriel",
    kpb.CHANNEL_CHAT: "messagerie instantanée",
    kpb.CHANNEL_SOCIAL_MEDIA: "réseaux sociaux",
    kpb.CHANNEL_MAIL: "courrier",
}
# The party's latest findings, among which the contract's are picked: ListFindings filters
# by ordering party, not by contract.
FINDINGS_READ = 1000
WATCHERS = frozenset(access.WATCHERS)


async def contracts_page(request: web.Request) -> web.Response:
    caller, token = request["caller"], request["token"]
    access.require_role(
        caller,
        WATCHERS,
        "Les contrats sont réservés au comité du label et à leurs parties.",
    )
    backends: Backends = request.app["backends"]
    try:
        listed = await backends.call(
            "contracts", "ListContracts", kpb.ListContractsRequest(), token
        )
    except BackendError as error:
        html = page("Contrats", notice_box(error.message), caller)
        return web.Response(text=html, content_type="text/html", charset="utf-8")
    contracts = sorted(
        listed.contracts,
        key=lambda c: (c.status != kpb.CONTRACT_STATUS_ACTIVE, c.ordering_party_id, c.contract_id),
    )
    rows = [
        [
            f'<a href="{e(contract_url(c.contract_id))}">{e(c.terms.scope or c.contract_id)}</a>',
            _party(caller, c.ordering_party_id),
            f'<a href="/centres/{e(c.centre_id)}">{e(c.centre_id)}</a>',
            e(ACTIVITIES.get(c.terms.activity_type, "—")),
            e(_period(c)),
            e(CONTRACT_STATUSES.get(c.status, "statut inconnu")),
        ]
        for c in contracts
    ]
    count = len(contracts)
    body = f"<p>{e(french.number(count))} contrat{'s' if count > 1 else ''}.</p>" + (
        table(["Contrat", "Donneur d'ordre", "Centre", "Activité", "Période", "Statut"], rows)
        if rows
        else '<p class="empty">Aucun contrat.</p>'
    )
    html = page("Contrats", body, caller)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def contract_page(request: web.Request) -> web.Response:
    return await render(request, request.match_info["contract_id"])


async def simulate(request: web.Request) -> web.Response:
    """The form's values to PreviewWorkloadChange, as the signed-in person, in French: the
    service decides who may (the contract's ordering party) and what it accepts."""
    contract_id = request.match_info["contract_id"]
    values = preview.values_of(request.query)
    try:
        wanted = preview.request_of(contract_id, values)
    except ValueError as unreadable:
        return await render(request, contract_id, preview.unreadable(values, str(unreadable)))
    backends: Backends = request.app["backends"]
    try:
        seen = await backends.call(
            "notices", "PreviewWorkloadChange", wanted, request["token"], language="fr"
        )
    except BackendError as error:
        return await render(request, contract_id, preview.refused(values, error))
    return await render(request, contract_id, preview.Simulation(values, answer=seen))


async def render(
    request: web.Request, contract_id: str, simulation: preview.Simulation | None = None
) -> web.Response:
    caller, token = request["caller"], request["token"]
    backends: Backends = request.app["backends"]
    status = simulation.status if simulation else 200
    try:
        contract = await backends.call(
            "contracts", "GetContract", kpb.GetContractRequest(contract_id=contract_id), token
        )
    except BackendError as error:
        if error.code in GONE:
            return _missing(caller)
        # The contract cannot be shown now; what was typed still is.
        kept = preview.form(contract_id, simulation, french_today()) if simulation else ""
        html = page("Contrat", notice_box(error.message) + kept, caller)
        return web.Response(text=html, status=status, content_type="text/html")
    sections = [facts(contract, caller), schedule_section(contract)]
    if simulation is not None or offers_simulation(caller, contract):
        sections.append(preview.form(contract.contract_id, simulation, french_today()))
    elif _own(caller, contract):
        sections.append(
            '<p class="hint">Le contrat est résilié : aucun changement de charge à simuler.</p>'
        )
    sections.append(await findings_section(backends, token, contract, caller))
    title = f"Contrat — {contract.terms.scope}" if contract.terms.scope else "Contrat"
    html = page(title, "".join(sections), caller)
    return web.Response(text=html, status=status, content_type="text/html")


def offers_simulation(caller: Caller, contract: kpb.Contract) -> bool:
    """The contract's own ordering party, while the contract runs (NoticeService previews no
    change on a terminated one)."""
    return _own(caller, contract) and contract.status == kpb.CONTRACT_STATUS_ACTIVE


def _own(caller: Caller, contract: kpb.Contract) -> bool:
    return (
        caller.role is Role.ORDERING_PARTY and caller.organisation_id == contract.ordering_party_id
    )


def _missing(caller: Caller) -> web.Response:
    html = page("Contrat", notice_box("Contrat introuvable, ou hors de votre périmètre."), caller)
    return web.Response(text=html, status=404, content_type="text/html")


def facts(contract: kpb.Contract, caller: Caller) -> str:
    terms = contract.terms
    status = CONTRACT_STATUSES.get(contract.status, "statut inconnu")
    terminated = french.from_date(contract.terminated_on)
    if terminated:
        status += f" (dernier jour : {french.day(terminated)}"
        status += (
            f" ; motif : {contract.termination_reason})" if contract.termination_reason else ")"
        )
    channels = ", ".join(CHANNELS.get(c, "autre") for c in terms.channels)
    countries = sorted({s.country for s in contract.sites if s.country})
    since = french.from_date(contract.version_effective_from)
    signed = french.moment(contract.signed_at) if contract.signed_at.seconds else ""
    items = [
        f"Donneur d'ordre : {_party(caller, contract.ordering_party_id)}",
        f'Centre : <a href="/centres/{e(contract.centre_id)}">{e(contract.centre_id)}</a>'
        + (" (labellisé à la signature)" if contract.centre_labelled else ""),
        f"Activité : {e(ACTIVITIES.get(terms.activity_type, '—'))}"
        + (f" — {e(terms.scope)}" if terms.scope else "")
        + (f" ; canaux : {e(channels)}" if channels else ""),
        f"Période : {e(_period(contract))}",
        f'Statut : <span class="contract-status">{e(status)}</span>',
        f"Version {contract.version}"
        + (f", applicable depuis le {e(french.day(since))}" if since else "")
        + (f" ; signé le {e(signed)}" if signed else ""),
        "Volume de référence : "
        f"{e(french.number(terms.forecast.contacts_per_month))} contacts par mois",
        f"Prix : {e(french.number(contract.price_cents / 100, 2))} € par heure productive",
    ]
    if countries:
        items.append(f"Pays des sites : {e(', '.join(french.country(c) for c in countries))}")
    items.append(f"Contrat <code>{e(contract.contract_id)}</code>")
    listed = "".join(f"<li>{item}</li>" for item in items)
    return f'<section class="contract"><h2>Le contrat</h2><ul class="facts">{listed}</ul></section>'


def schedule_section(contract: kpb.Contract) -> str:
    """The notice schedule agreed: the lead time each size of change needs."""
    rows = preview.schedule_rows(contract.terms.notice_schedule)
    body = (
        table(["Changement de volume", "Délai de prévenance"], rows, "schedule")
        if rows
        else "<p>Le contrat ne fixe pas de barème : celui du comité du label s'applique à tout "
        "changement de charge.</p>"
    )
    return (
        '<section class="notice-schedule"><h2>Délais de prévenance</h2>'
        f'{body}<p class="hint">Délais comptés comme le Code de procédure civile compte un '
        "délai : ni le jour de la notification ni le jour de l'effet ne comptent.</p></section>"
    )


async def findings_section(
    backends: Backends, token: str, contract: kpb.Contract, caller: Caller
) -> str:
    """The findings about the contract that this person may see (ComplianceMonitor decides),
    among the ordering party's latest."""
    wanted = pb.ListFindingsRequest(
        filter=pb.FindingFilter(ordering_party_id=contract.ordering_party_id),
        limit=FINDINGS_READ,
        newest_first=True,
    )
    try:
        listed = await backends.call("compliance", "ListFindings", wanted, token)
    except BackendError as error:
        problem = notice_box("Constats indisponibles. " + error.message, "warning")
        return f'<section class="contract-findings"><h2>Constats</h2>{problem}</section>'
    about = [
        f for f in newest_first(list(listed.findings)) if f.contract_id == contract.contract_id
    ]
    link_party = access.sees_party_page(caller, contract.ordering_party_id)
    rows = "".join(row(f, link_party) for f in about)
    body = (
        f'<ol class="findings">{rows}</ol>'
        if about
        else '<p class="empty">Aucun constat sur ce contrat.</p>'
    )
    return f'<section class="contract-findings"><h2>Constats</h2>{body}</section>'


def _party(caller: Caller, party_id: str) -> str:
    if access.sees_party_page(caller, party_id):
        return f'<a href="{e(party_url(party_id))}">{e(party_id)}</a>'
    return e(party_id)


def _period(contract: kpb.Contract) -> str:
    start = french.from_date(contract.terms.start_date)
    end = french.from_date(contract.terms.end_date)
    if start and end:
        return f"du {french.day(start)} au {french.day(end)}"
    return "—"
