"""The forms that move a finding along its lifecycle (ComplianceMonitor's ContestFinding,
RuleOnFinding, CloseFinding and ReopenFinding): each shown only to whom may use it, while the
finding's state allows it (as the proto says), with the field lengths the proto sets. A
refusal of the service is said in French next to the form, the text typed kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import grpc
from buf.validate import validate_pb2
from google.protobuf.message import Message
from vigie.compliance.v1 import compliance_pb2 as pb

from services.common.identity import Caller, Role
from services.dashboard import french
from services.dashboard.backends import BackendError
from services.dashboard.markup import e, finding_url, notice_box

# What the compliance service refuses in free text besides line breaks and tabs.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class TextField:
    """A textarea filling one string field of a request (or the items of a repeated one)."""

    name: str  # in the form
    request: type[Message]
    proto: str  # in the request
    label: str
    rows: int = 4
    required: bool = True

    @property
    def limits(self) -> tuple[int, int]:
        """The proto's min_len and max_len for the field (for each item, when repeated)."""
        rules = self.request.DESCRIPTOR.fields_by_name[self.proto].GetOptions()
        rules = rules.Extensions[validate_pb2.field]
        text = rules.repeated.items.string if rules.HasField("repeated") else rules.string
        return text.min_len, text.max_len


@dataclass(frozen=True)
class Action:
    slug: str  # the form's path under the finding, and the `fait` of the page after it
    method: str  # ComplianceMonitor's
    title: str
    intro: str
    button: str
    roles: frozenset[Role]
    states: frozenset[int]  # where the finding must stand
    fields: tuple[TextField, ...]
    build: Callable[[str, Mapping[str, str]], Message]
    failed: str  # what did not happen, when the service refuses
    done: str  # what the page says once it is done
    forbidden: str  # why a role that may not is refused
    choices: tuple[tuple[str, str], ...] = ()  # a required radio named "decision"

    def offered_to(self, caller: Caller, finding: pb.Finding) -> bool:
        """An ordering party acts on its own findings only; a centre sees only the findings
        about it (ComplianceMonitor decides), so any it sees it may contest."""
        if caller.role not in self.roles or finding.state not in self.states:
            return False
        if caller.role is Role.ORDERING_PARTY:
            return caller.organisation_id == finding.ordering_party_id
        return True


@dataclass
class Attempt:
    """A form sent and refused: what was typed, and why it was refused."""

    action: Action
    values: Mapping[str, str]
    problem: str = ""
    field_problems: dict[str, str] = field(default_factory=dict)
    status: int = 400


DECISIONS = {
    "rejeter": pb.CONTEST_DECISION_DISMISS,
    "admettre": pb.CONTEST_DECISION_UPHOLD,
}


def _contest(finding_id: str, values: Mapping[str, str]) -> Message:
    attachment = values.get("piece_jointe", "")
    return pb.ContestFindingRequest(
        finding_id=finding_id,
        grounds=values.get("motifs", ""),
        attachments=[attachment] if attachment.strip() else [],
    )


def _rule(finding_id: str, values: Mapping[str, str]) -> Message:
    return pb.RuleOnFindingRequest(
        finding_id=finding_id,
        decision=DECISIONS.get(values.get("decision", ""), pb.CONTEST_DECISION_UNSPECIFIED),
        reasons=values.get("motifs", ""),
    )


def _close(finding_id: str, values: Mapping[str, str]) -> Message:
    return pb.CloseFindingRequest(finding_id=finding_id, reason=values.get("motif", ""))


def _reopen(finding_id: str, values: Mapping[str, str]) -> Message:
    return pb.ReopenFindingRequest(finding_id=finding_id, reason=values.get("motif", ""))


COMMITTEE_ONLY = "Seul le comité du label peut faire cela."

CONTEST = Action(
    slug="contestation",
    method="ContestFinding",
    title="Contester ce constat",
    intro=(
        "Le donneur d'ordre ou le centre concerné peut contester un constat ouvert ; le comité "
        "du label statue ensuite sur la contestation."
    ),
    button="Contester le constat",
    roles=frozenset({Role.ORDERING_PARTY, Role.CENTRE}),
    states=frozenset({pb.FINDING_STATE_OPEN}),
    fields=(
        TextField("motifs", pb.ContestFindingRequest, "grounds", "Motifs de la contestation", 6),
        TextField(
            "piece_jointe",
            pb.ContestFindingRequest,
            "attachments",
            "Pièce jointe, en texte (facultatif : un échange de courriers, un relevé corrigé…)",
            6,
            required=False,
        ),
    ),
    build=_contest,
    failed="La contestation n'a pas été enregistrée",
    done="Votre contestation est enregistrée : le comité du label va statuer.",
    forbidden="Seuls le donneur d'ordre et le centre concernés peuvent contester un constat.",
)
RULING = Action(
    slug="decision",
    method="RuleOnFinding",
    title="Statuer sur la contestation",
    intro=(
        "Admise, la contestation fait tomber le constat ; rejetée, le constat est maintenu. "
        "Le comité ne statue qu'une fois."
    ),
    button="Statuer",
    roles=frozenset({Role.COMMITTEE}),
    states=frozenset({pb.FINDING_STATE_CONTESTED}),
    fields=(TextField("motifs", pb.RuleOnFindingRequest, "reasons", "Motifs de la décision"),),
    build=_rule,
    failed="La décision n'a pas été enregistrée",
    done="La décision du comité est enregistrée.",
    forbidden=COMMITTEE_ONLY,
    choices=(
        ("rejeter", "Rejeter la contestation : le constat est maintenu"),
        ("admettre", "Admettre la contestation : le constat tombe"),
    ),
)
CLOSING = Action(
    slug="cloture",
    method="CloseFinding",
    title="Clore le constat (remédié)",
    intro="Le donneur d'ordre a remédié au manquement : le constat ne compte plus parmi les "
    "constats ouverts de son tableau de bord.",
    button="Clore le constat",
    roles=frozenset({Role.COMMITTEE}),
    states=frozenset({pb.FINDING_STATE_OPEN, pb.FINDING_STATE_CONTEST_DISMISSED}),
    fields=(TextField("motif", pb.CloseFindingRequest, "reason", "Motif de la clôture"),),
    build=_close,
    failed="Le constat n'a pas été clos",
    done="Le constat est clos.",
    forbidden=COMMITTEE_ONLY,
)
REOPENING = Action(
    slug="reouverture",
    method="ReopenFinding",
    title="Rouvrir le constat",
    intro="Le constat redevient ouvert, quelle que soit la décision ou la clôture précédente.",
    button="Rouvrir le constat",
    roles=frozenset({Role.COMMITTEE}),
    states=frozenset(
        {
            pb.FINDING_STATE_REMEDIED,
            pb.FINDING_STATE_CONTEST_UPHELD,
            pb.FINDING_STATE_CONTEST_DISMISSED,
        }
    ),
    fields=(TextField("motif", pb.ReopenFindingRequest, "reason", "Motif de la réouverture"),),
    build=_reopen,
    failed="Le constat n'a pas été rouvert",
    done="Le constat est rouvert.",
    forbidden=COMMITTEE_ONLY,
)
ACTIONS = {a.slug: a for a in (CONTEST, RULING, CLOSING, REOPENING)}

STATUSES = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
}


def values_of(action: Action, form: Mapping[str, object]) -> dict[str, str]:
    """The form's text as typed; a browser sends line breaks as CRLF, which the compliance
    service refuses (a lone CR is a control character) and counts twice: LF only."""
    names = [f.name for f in action.fields] + (["decision"] if action.choices else [])
    values = {}
    for name in names:
        value = form.get(name, "")
        text = value if isinstance(value, str) else ""
        values[name] = text.replace("\r\n", "\n").replace("\r", "\n")
    return values


def refused(action: Action, values: Mapping[str, str], error: BackendError) -> Attempt:
    """The service's refusal, in French: by field for a field it names, else above the form."""
    attempt = Attempt(action, values, status=STATUSES.get(error.code, 503))
    match error.code:
        case grpc.StatusCode.INVALID_ARGUMENT:
            by_proto = {f.proto: f for f in action.fields}
            general = []
            for path, _ in error.field_violations or (("", ""),):
                text_field = by_proto.get(path.split("[")[0].split(".")[0])
                if text_field is not None:
                    attempt.field_problems[text_field.name] = field_problem(
                        text_field, values.get(text_field.name, "")
                    )
                elif path == "decision":
                    general.append("Choisissez d'admettre ou de rejeter la contestation.")
                elif path == "finding_id":
                    general.append("L'identifiant du constat n'est pas valide.")
                else:
                    general.append("Le service de conformité refuse ce formulaire.")
            fix = ["Corrigez le champ signalé."] if attempt.field_problems else []
            attempt.problem = f"{action.failed}. " + " ".join(fix + general)
        case grpc.StatusCode.FAILED_PRECONDITION:
            state = _state(error.precondition)
            now = f"dans l'état « {french.state(state)} »" if state else "dans un autre état"
            attempt.problem = (
                f"{action.failed} : le constat est maintenant {now}, qui ne le permet pas "
                "(son état a pu changer depuis l'affichage de la page ; il est à jour ci-dessus)."
            )
        case grpc.StatusCode.PERMISSION_DENIED:
            attempt.problem = f"{action.failed} : votre profil ne le permet pas."
        case grpc.StatusCode.NOT_FOUND:
            attempt.problem = f"{action.failed} : constat introuvable, ou hors de votre périmètre."
        case _:
            attempt.problem = f"{action.failed}. {error.message}"
    return attempt


def field_problem(text_field: TextField, value: str) -> str:
    low, high = text_field.limits
    typed = len(value.strip())
    if CONTROL.search(value):
        return (
            f"{text_field.label} : un caractère de contrôle n'y a pas sa place (seuls les retours "
            "à la ligne et les tabulations sont admis)."
        )
    if typed == 0:
        return f"{text_field.label} : à remplir, {french.number(low)} caractères au moins."
    if typed < low:
        return (
            f"{text_field.label} : {french.number(low)} caractères au moins, sans compter les "
            f"espaces ; vous en avez saisi {french.number(typed)}."
        )
    if len(value) > high:
        return (
            f"{text_field.label} : {french.number(high)} caractères au plus ; vous en avez saisi "
            f"{french.number(len(value))}."
        )
    return f"{text_field.label} : refusé par le service de conformité."


def _state(name: str) -> int:
    try:
        return pb.FindingState.Value("FINDING_STATE_" + name)
    except ValueError:
        return 0


def forms(caller: Caller, finding: pb.Finding, attempt: Attempt | None) -> str:
    """The forms this person may use on this finding now; a refused one stays, with its text,
    even if the finding has moved on meanwhile (nothing typed is lost)."""
    return "".join(
        form(action, finding.finding_id, attempt if attempt and attempt.action is action else None)
        for action in ACTIONS.values()
        if action.offered_to(caller, finding) or (attempt and attempt.action is action)
    )


def form(action: Action, finding_id: str, attempt: Attempt | None) -> str:
    values = attempt.values if attempt else {}
    problems = attempt.field_problems if attempt else {}
    # The fragment brings the browser back to this form on the page a refusal answers with.
    target = f"{finding_url(finding_id)}/{action.slug}#{action.slug}"
    parts = [
        f'<section class="lifecycle" id="{e(action.slug)}"><h2>{e(action.title)}</h2>',
        f'<p class="hint">{e(action.intro)}</p>',
        notice_box(attempt.problem) if attempt and attempt.problem else "",
        f'<form class="lifecycle" method="post" action="{e(target)}">',
    ]
    if action.choices:
        chosen = values.get("decision", "")
        radios = "".join(
            f'<label class="choice"><input type="radio" name="decision" value="{e(value)}"'
            f"{' checked' if value == chosen else ''} required> {e(text)}</label>"
            for value, text in action.choices
        )
        parts.append(f"<fieldset><legend>Décision</legend>{radios}</fieldset>")
    for text_field in action.fields:
        parts.append(textarea(action.slug, text_field, values.get(text_field.name, ""), problems))
    parts.append(f'<button type="submit">{e(action.button)}</button></form></section>')
    return "".join(parts)


def textarea(prefix: str, text_field: TextField, value: str, problems: Mapping[str, str]) -> str:
    """A text field with the proto's lengths, its hint and the refusal's reason, if any."""
    low, high = text_field.limits
    css_id = f"{prefix}-{text_field.name}"
    problem = problems.get(text_field.name, "")
    hint = (
        f"Entre {french.number(low)} et {french.number(high)} caractères."
        if text_field.required
        else f"{french.number(high)} caractères au plus."
    )
    described = f"{css_id}-aide" + (f" {css_id}-erreur" if problem else "")
    attributes = (
        f'id="{e(css_id)}" name="{e(text_field.name)}" rows="{text_field.rows}" '
        f'maxlength="{high}" aria-describedby="{e(described)}"'
        + (f' minlength="{low}" required' if text_field.required and low else "")
        + (' aria-invalid="true"' if problem else "")
    )
    error = f'<p class="field-error" id="{e(css_id)}-erreur">{e(problem)}</p>' if problem else ""
    # The line break after <textarea> is dropped by the HTML parser, so one typed first stays.
    return (
        f'<label for="{e(css_id)}">{e(text_field.label)}</label>'
        f"<textarea {attributes}>\n{e(value)}</textarea>"
        f'<p class="hint" id="{e(css_id)}-aide">{e(hint)}</p>{error}'
    )
