"""The server: `streamlit run dashboard/server.py` serves dashboard/app.py plus HTTP routes. Two set and
clear the login cookie: a script cannot set an HttpOnly cookie, so after a successful login the page sends
the browser to /session/ticket with a one-time ticket, and the cookie is set here; /session/logout revokes
the cookie's session in the store and clears the cookie. /export/<token> serves the exports the pages
offer, to their own login session only, and audits each (dashboard/security/downloads.py)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from starlette.concurrency import run_in_threadpool  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.responses import RedirectResponse, Response  # noqa: E402
from starlette.routing import Route  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402

from dashboard.security import cookies, downloads, store  # noqa: E402


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target or len(target) > 2000:
        return "/"
    return target


async def ticket(request):
    sid = store.redeem_ticket(request.query_params.get("t", "")[:100])
    response = RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    if sid:
        response.set_cookie(cookies.COOKIE_NAME, cookies.sign(sid), max_age=int(store.SESSION_HOURS * 3600),
                            httponly=True, samesite="lax", path="/", secure=request.url.scheme == "https")
    return response


async def logout(request):
    """Ends the session itself, not only the cookie: a copy of the old cookie no longer logs in."""
    sid = cookies.verify(request.cookies.get(cookies.COOKIE_NAME))
    if sid:
        username = store.session_user(sid)
        store.revoke(sid)
        if username:  # the sidebar button has already revoked and logged its own logout
            store.log("logout", username, detail="/session/logout", ip=request.client.host if request.client else None)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(cookies.COOKIE_NAME, path="/")
    return response


async def export(request):
    # building a workbook or a deck takes seconds: off the event loop
    reply = await run_in_threadpool(downloads.respond, request.path_params["token"],
                                    request.cookies.get(cookies.COOKIE_NAME),
                                    request.client.host if request.client else None)
    return Response(reply.body, status_code=reply.status, headers=reply.headers)


class NestedPathRedirect:
    """A browser opening an address with a slash in its page name (/warnings/x, /a/b) got a blank page: Streamlit
    serves its index there, whose scripts it then looks for under /warnings/static/... . Such a navigation is
    sent to the address's first part instead: a page (/warnings), or an unknown name that app.py answers with
    the default page and a Chinese notice. Streamlit's own paths and this server's routes are left alone."""

    PASS = {"_stcore", "static", "media", "component", "app", "auth", "oauth2callback", "session",
            downloads.PATH.strip("/")}

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            first, slash, rest = scope["path"].lstrip("/").partition("/")
            headers = dict(scope.get("headers") or [])
            if (slash and rest.strip("/") and first and first not in self.PASS
                    and headers.get(b"sec-fetch-mode") == b"navigate" and headers.get(b"sec-fetch-dest") == b"document"):
                query = scope.get("query_string", b"").decode("latin-1")
                await RedirectResponse("/" + first + (f"?{query}" if query else ""), status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# app.py sits next to dashboard/pages/, so Streamlit would run the first session of the process as an old-style
# "pages directory" app (its own page list from the file names) until app.py's st.navigation switches it off:
# that first visit to an unknown address got Streamlit's English "Page not found" dialog, before app.py could
# open the default page with a Chinese notice (dashboard/common/nav.py). The navigation is app.py's from the
# first run on.
PagesManager.uses_pages_directory = False

app = st.App(Path(__file__).parent / "app.py", middleware=[Middleware(NestedPathRedirect)], routes=[
    Route("/session/ticket", ticket, methods=["GET"]),
    Route("/session/logout", logout, methods=["GET"]),
    Route(downloads.PATH + "{token}", export, methods=["GET"]),
])
