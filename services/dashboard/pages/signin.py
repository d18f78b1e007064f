"""Page « Connexion »: paste a bearer token (the same the gRPC APIs take); in development,
also mint one for a chosen role and organisation."""

from __future__ import annotations

from aiohttp import web

from services.common import identity
from services.common.identity import Role
from services.dashboard import session
from services.dashboard.markup import ROLE_NAMES, e, notice_box, page
from services.dashboard.settings import DashboardSettings


async def signin_form(request: web.Request) -> web.Response:
    return _form(request, "")


async def signin(request: web.Request) -> web.Response:
    settings: DashboardSettings = request.app["settings"]
    form = await request.post()
    token = str(form.get("jeton", "")).strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    if not token and settings.dashboard_dev_signin and form.get("role"):
        try:
            role = Role(str(form["role"]))
        except ValueError:
            return _form(request, "Rôle inconnu.", status=400)
        org = str(form.get("organisation", "")).strip()
        if not org:
            return _form(request, "Indiquez l'organisation.", status=400)
        token = identity.mint(settings.token_key, role, org, ttl=8 * 3600)
    caller = session.caller_from(settings, token)
    if caller is None:
        return _form(request, "Jeton invalide ou expiré.", status=401)
    target = session.safe_next(str(form.get("suite", ""))) or session.home_of(caller)
    response = web.HTTPSeeOther(target)
    session.remember(response, settings, token)
    raise response


async def signout(request: web.Request) -> web.Response:
    response = web.HTTPSeeOther("/connexion")
    session.forget(response)
    raise response


def _form(request: web.Request, problem: str, status: int = 200) -> web.Response:
    settings: DashboardSettings = request.app["settings"]
    suite = session.safe_next(request.query.get("suite") or "") or ""
    hidden = f'<input type="hidden" name="suite" value="{e(suite)}">'
    body = (notice_box(problem) if problem else "") + (
        "<p>Connectez-vous avec le jeton d'accès de votre organisation (le même que pour les "
        "API gRPC de Vigie). Le comité voit tout ; un donneur d'ordre, ses propres constats et "
        "son tableau de bord ; un centre, ses propres alertes.</p>"
        '<form class="signin" method="post" action="/connexion">'
        f"{hidden}"
        '<label for="jeton">Jeton d\'accès</label>'
        '<textarea id="jeton" name="jeton" rows="4" autocomplete="off" spellcheck="false" '
        'placeholder="eyJhbGciOiJIUzI1NiIs…"></textarea>'
        '<button type="submit">Se connecter</button></form>'
    )
    if settings.dashboard_dev_signin:
        roles = "".join(f'<option value="{r.value}">{e(ROLE_NAMES[r])}</option>' for r in Role)
        body += (
            '<h2>Développement</h2><p class="message warning">Jeton de développement, signé par '
            "ce serveur : à ne jamais activer en production.</p>"
            '<form class="signin dev" method="post" action="/connexion">'
            f'{hidden}<label>Rôle <select name="role">{roles}</select></label>'
            '<label>Organisation <input name="organisation" placeholder="committee, '
            'banque-exemple, ctr-lille…"></label>'
            '<button type="submit">Obtenir un jeton et se connecter</button></form>'
        )
    html = page("Connexion", body, None)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")
