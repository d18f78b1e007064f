"""HTML the safe way: every value goes through `e` (html.escape); the page layout is a
string.Template. Pages carry no inline script or style, so the Content-Security-Policy can
forbid both."""

from __future__ import annotations

import html
from string import Template
from urllib.parse import quote

from services.common.identity import Caller, Role

LAYOUT = Template("""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title · Vigie</title>
<link rel="stylesheet" href="/static/dashboard.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
$scripts
</head>
<body>
<header class="top">
  <a class="brand" href="/">Vigie</a>
  <span class="tagline">Label Responsabilité Sociale — suivi des engagements</span>
  <nav>$nav</nav>
  <div class="who">$who</div>
</header>
<main>
<h1>$title</h1>
$body
</main>
<footer>Vigie · tableau de bord du comité du Label Responsabilité Sociale</footer>
</body>
</html>
""")

ROLE_NAMES = {
    Role.COMMITTEE: "Comité du label",
    Role.ORDERING_PARTY: "Donneur d'ordre",
    Role.CENTRE: "Centre",
    Role.OPS: "Exploitation",
}


def e(value: object) -> str:
    """Escaped text for HTML content and quoted attribute values."""
    return html.escape(str(value), quote=True)


def page(title: str, body: str, caller: Caller | None, scripts: tuple[str, ...] = ()) -> str:
    return LAYOUT.substitute(
        title=e(title),
        body=body,
        nav=navigation(caller),
        who=who(caller),
        scripts="\n".join(f'<script src="{e(s)}" defer></script>' for s in scripts),
    )


def navigation(caller: Caller | None) -> str:
    if caller is None:
        return ""
    links = []
    if caller.role in (Role.COMMITTEE, Role.ORDERING_PARTY, Role.CENTRE):
        links.append(("/constats", "Constats en direct"))
    if caller.role is Role.ORDERING_PARTY:
        links.append((party_url(caller.organisation_id), "Mon tableau de bord"))
    if caller.role in (Role.COMMITTEE, Role.ORDERING_PARTY, Role.CENTRE):
        links.append(("/contrats", "Contrats"))
    links.append(("/centres", "Centres"))
    if caller.role in (Role.COMMITTEE, Role.ORDERING_PARTY, Role.CENTRE):
        links.append(("/politique", "Politique du comité"))
    return " ".join(f'<a href="{e(href)}">{e(text)}</a>' for href, text in links)


def who(caller: Caller | None) -> str:
    if caller is None:
        return '<a href="/connexion">Se connecter</a>'
    role = ROLE_NAMES.get(caller.role, caller.role.value)
    return (
        f'<span class="role">{e(role)}</span> <span class="org">{e(caller.organisation_id)}</span>'
        '<form method="post" action="/deconnexion"><button type="submit">Se déconnecter'
        "</button></form>"
    )


def notice_box(message: str, kind: str = "error") -> str:
    """A message in place of what could not be shown: never a blank page."""
    return f'<div class="message {e(kind)}" role="alert">{e(message)}</div>'


def table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    """`rows` hold cells already rendered (escaped) by the caller."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{e(css)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def party_url(party_id: str) -> str:
    return f"/donneurs-d-ordre/{quote(party_id, safe='')}"


def contract_url(contract_id: str) -> str:
    return f"/contrats/{quote(contract_id, safe='')}"


def finding_url(finding_id: str) -> str:
    return f"/constats/{quote(finding_id, safe='')}"


def policy_url(version: int) -> str:
    return f"/politique/{version}"
