"""Serves the demo clinic page with the chat widget (``python -m bot web``).

Everything the page needs is served from here: the widget, its styles and
socket.io-client from ``bot/web/node_modules`` (installed from the npm
registry by ``make install``; never a CDN). The page talks to Rasa's socket.io
channel, like a widget embedded on a clinic's own website would.
"""

import html
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from bot import knowledge
from bot.settings import load_clinic

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
SOCKET_IO_CLIENT = (
    WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _websocket_origin(socket_url: str) -> str:
    parts = urlsplit(socket_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def security_headers(socket_url: str) -> dict:
    """Headers for every response: a strict CSP and no sniffing or framing."""
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src 'self' {socket_url} {_websocket_origin(socket_url)}; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def render_page(socket_url: str) -> str:
    """The demo page, filled with the clinic's details (HTML-escaped)."""
    clinic = load_clinic()
    values = {
        "clinic_name": clinic.name,
        "emergency_number": clinic.emergency_number,
        "socket_url": socket_url,
        "sources_label": knowledge.load().ui["sources_label"],
    }
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", html.escape(value, quote=True))
    return page


def create_app(socket_url: str) -> web.Application:
    """The web application serving the page for a Rasa server at ``socket_url``."""
    headers = security_headers(socket_url)

    @web.middleware
    async def add_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        response.headers.update(headers)
        return response

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=render_page(socket_url), content_type="text/html")

    async def socket_io_client(request: web.Request) -> web.StreamResponse:
        if not SOCKET_IO_CLIENT.is_file():
            raise web.HTTPServiceUnavailable(
                text="socket.io-client is not installed: run `make install`"
            )
        return web.FileResponse(SOCKET_IO_CLIENT)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(middlewares=[add_headers])
    app.router.add_get("/", page)
    app.router.add_get("/health", health)
    app.router.add_get("/vendor/socket.io.min.js", socket_io_client)
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=False)
    return app


def serve(port: int, socket_url: str, host: str = "127.0.0.1") -> None:
    """Runs the web server until interrupted."""
    web.run_app(create_app(socket_url), host=host, port=port, print=None)
