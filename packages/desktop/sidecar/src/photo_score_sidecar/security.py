"""Who may talk to the sidecar: this launch's token holder, from its own origin, by loopback.

A pure ASGI middleware (streams such as server-sent events pass through untouched):

* Host must be ``127.0.0.1:<port>`` or ``localhost:<port>`` (defeats DNS rebinding);
* an Origin header, when present, must be the sidecar's own origin (a page on another site
  cannot drive it; browsers send Origin on every cross-origin request and every POST);
* every request carries the per-launch token: ``Authorization: Bearer <token>``, or the
  HttpOnly, SameSite=Strict cookie that a ``?token=`` URL is exchanged for once (the
  response redirects to the same URL without the token, so it leaves the address bar).

Tokens are compared with :func:`hmac.compare_digest`. There is no CORS: no
``Access-Control-Allow-*`` header is ever sent.
"""

from __future__ import annotations

import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from photo_score_sidecar.errors import error_response

TOKEN_PARAM = "token"
_SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "content-security-policy": (
        # 'unsafe-eval': pywebview's evaluate_js (the shell's one way into the page) runs
        # through eval; inline scripts stay forbidden, so injected markup cannot run code.
        "default-src 'self'; script-src 'self' 'unsafe-eval'; img-src 'self' data: blob:; "
        "style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}


def cookie_name(port: int) -> str:
    """Cookies ignore ports, so the name carries it: two sidecars never clobber each other."""
    return f"photo_score_token_{port}"


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, token: str, port: int) -> None:
        self.app = app
        self.token = token.encode()
        self.port = port
        self.cookie = cookie_name(port)
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(headers)
        if refusal is not None:
            status, code, message = refusal
            await error_response(status, code, message)(scope, receive, send)
            return
        if not self._has_token(headers):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            offered = query.get(TOKEN_PARAM)
            if offered is None:
                await error_response(401, "unauthorized", "missing token")(scope, receive, send)
                return
            if not self._matches(offered) or scope.get("method") not in ("GET", "HEAD"):
                await error_response(401, "unauthorized", "invalid token")(scope, receive, send)
                return
            await self._exchange(scope, query, send)
            return
        await self.app(scope, receive, self._with_headers(scope, send))

    def _refusal(self, headers: Headers) -> tuple[int, str, str] | None:
        if headers.get("host") not in self.hosts:
            return 403, "bad_host", "the sidecar answers only to 127.0.0.1 and localhost"
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return 403, "bad_origin", "requests from other origins are refused"
        # Browsers say where a request comes from; a page on another port of 127.0.0.1 is
        # "same-site" and sends no Origin on an <img>, so only our own pages pass.
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "bad_origin", "requests from other sites are refused"
        return None

    def _matches(self, offered: str) -> bool:
        return hmac.compare_digest(offered.encode(), self.token)

    def _has_token(self, headers: Headers) -> bool:
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and self._matches(auth[7:].strip()):
            return True
        raw = headers.get("cookie")
        if raw:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(raw)
            except Exception:  # a malformed cookie header is simply no token
                return False
            morsel = jar.get(self.cookie)
            return morsel is not None and self._matches(morsel.value)
        return False

    async def _exchange(self, scope: Scope, query: dict[str, str], send: Send) -> None:
        """``?token=`` → cookie, then the same URL without the token."""
        rest = urlencode([(k, v) for k, v in query.items() if k != TOKEN_PARAM])
        location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
        cookie = f"{self.cookie}={self.token.decode()}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                    (b"referrer-policy", b"no-referrer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    def _with_headers(self, scope: Scope, send: Send) -> Send:
        api = scope["path"].startswith("/api/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if api:
                    headers.setdefault("cache-control", "no-store")
            await send(message)

        return wrapped
