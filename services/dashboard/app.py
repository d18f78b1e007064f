"""The dashboard's web application: routes, sign-in check, security headers, and a page
(never a blank one) for whatever goes wrong."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode, urlparse

from aiohttp import web

from services.dashboard import health, lifecycle, session
from services.dashboard.backends import BackendError, Backends
from services.dashboard.feed import findings_feed
from services.dashboard.markup import notice_box, page
from services.dashboard.pages import centres, contract, finding, live, party, policy, signin
from services.dashboard.settings import DashboardSettings

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
PUBLIC = ("/static/", "/sante", "/connexion")
# Everything comes from this server: no CDN, no inline script or style.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(settings: DashboardSettings) -> web.Application:
    app = web.Application(middlewares=[headers, errors, same_origin, signed_in])
    app["settings"] = settings
    app["feeds"] = set()
    app.router.add_get("/", home)
    app.router.add_get("/constats", live.findings_page)
    app.router.add_get("/constats/{finding_id}", finding.finding_page)
    # The finding's lifecycle forms (lifecycle.py), each posted to a path under the finding.
    app.router.add_post("/constats/{finding_id}/contestation", finding.contest)
    app.router.add_post("/constats/{finding_id}/decision", finding.rule_on)
    app.router.add_post("/constats/{finding_id}/cloture", finding.close)
    app.router.add_post("/constats/{finding_id}/reouverture", finding.reopen)
    forms = "|".join(lifecycle.ACTIONS)
    app.router.add_get(f"/constats/{{finding_id}}/{{form:{forms}}}", finding.back_to_finding)
    app.router.add_get("/flux/constats", findings_feed)
    app.router.add_get("/donneurs-d-ordre/{party_id}", party.party_page)
    app.router.add_get("/contrats", contract.contracts_page)
    app.router.add_get("/contrats/{contract_id}", contract.contract_page)
    # The notice preview form: a GET, since it records nothing.
    app.router.add_get("/contrats/{contract_id}/simulation", contract.simulate)
    app.router.add_get("/centres", centres.centres_page)
    app.router.add_get("/centres/{centre_id}", centres.centre_page)
    app.router.add_get("/politique", policy.policy_page)
    # The committee's form « Publier une nouvelle version », posted to the page itself.
    app.router.add_post("/politique", policy.publish)
    app.router.add_get("/politique/{version}", policy.version_page)
    app.router.add_get("/connexion", signin.signin_form)
    app.router.add_post("/connexion", signin.signin)
    app.router.add_post("/deconnexion", signin.signout)
    app.router.add_get("/sante", health.health)
    app.router.add_static("/static/", STATIC, append_version=False)
    app.on_startup.append(_open_backends)
    app.on_shutdown.append(_end_feeds)
    app.on_cleanup.append(_close_backends)
    return app


async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther(session.home_of(request["caller"]))


@web.middleware
async def signed_in(request: web.Request, handler):
    """Every page but the public ones needs a valid token in the session cookie."""
    if request.path.startswith(PUBLIC):
        request["caller"] = None
        return await handler(request)
    token = request.cookies.get(session.COOKIE, "")
    caller = session.caller_from(request.app["settings"], token)
    if caller is None:
        if request.path.startswith("/flux/"):
            raise web.HTTPUnauthorized(text="connexion requise")
        raise web.HTTPSeeOther("/connexion?" + urlencode({"suite": request.path_qs}))
    request["caller"], request["token"] = caller, token
    return await handler(request)


@web.middleware
async def same_origin(request: web.Request, handler):
    """A form posted from another site (signing someone in with the sender's token, or out)
    is refused: browsers name the page a POST comes from in its Origin header."""
    if request.method == "POST":
        origin = request.headers.get("Origin")
        if origin and urlparse(origin).netloc != request.host:
            raise web.HTTPForbidden(text="formulaire venu d'un autre site")
    return await handler(request)


@web.middleware
async def errors(request: web.Request, handler):
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except BackendError as error:
        log.warning("backend error on %s: %s", request.path, error)
        return _error_page(request, error.message, 503)
    except Exception:
        log.exception("error on %s", request.path)
        return _error_page(request, "Une erreur inattendue est survenue. Réessayez.", 500)


@web.middleware
async def headers(request: web.Request, handler):
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    if not response.prepared:
        response.headers.update(SECURITY_HEADERS)
    return response


def _error_page(request: web.Request, message: str, status: int) -> web.Response:
    html = page("Service indisponible", notice_box(message), request.get("caller"))
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


async def _open_backends(app: web.Application) -> None:
    app["backends"] = Backends(app["settings"])


async def _end_feeds(app: web.Application) -> None:
    """Live feeds never end by themselves: end them so the server can stop."""
    for call in list(app["feeds"]):
        call.cancel()


async def _close_backends(app: web.Application) -> None:
    await app["backends"].close()
