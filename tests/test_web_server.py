"""The demo page's web server: escaped settings, security headers, local assets."""

from bot.web import server


async def fetch(app, path):
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(app)) as client:
        response = await client.get(path)
        return response.status, dict(response.headers), await response.text()


async def test_the_page_has_the_clinic_details_escaped(tmp_path, monkeypatch):
    settings = tmp_path / "clinic.yml"
    settings.write_text(
        'name: "<script>alert(1)</script> Clinic"\nemergency_number: "112"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CLINIC_SETTINGS", str(settings))
    status, _, body = await fetch(server.create_app("http://127.0.0.1:5005"), "/")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Clinic" in body
    assert "<script>alert(1)" not in body
    assert 'data-socket-url="http://127.0.0.1:5005"' in body
    assert "call 112" in body
    assert 'role="log"' in body


async def test_every_response_has_the_security_headers():
    app = server.create_app("http://127.0.0.1:5005")
    for path in ("/", "/static/widget.js", "/health"):
        status, headers, _ = await fetch(app, path)
        assert status == 200, path
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005" in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


async def test_socket_io_client_is_served_locally():
    status, headers, body = await fetch(
        server.create_app("https://chat.clinic.example"), "/vendor/socket.io.min.js"
    )
    assert status == 200
    assert "wss://chat.clinic.example" in headers["Content-Security-Policy"]
    assert "io" in body


async def test_a_missing_install_is_explained(monkeypatch, tmp_path):
    monkeypatch.setattr(server, "SOCKET_IO_CLIENT", tmp_path / "absent.js")
    status, _, body = await fetch(
        server.create_app("http://x"), "/vendor/socket.io.min.js"
    )
    assert status == 503
    assert "make install" in body


async def test_files_outside_the_static_folder_are_not_served():
    status, _, _ = await fetch(server.create_app("http://x"), "/static/../server.py")
    assert status in (403, 404)
