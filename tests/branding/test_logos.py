"""Logo uploads become a PNG tukku drew itself: by content, bounded, and for SVG with nothing
of the upload's scripts, handlers or external references surviving or being fetched."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image, PngImagePlugin

from tukku.branding import logos
from tukku.core.errors import DomainError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width: int = 64, height: int = 32, **text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text.items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGB", (width, height), "#0b5cad").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def code_of(data: bytes) -> int:
    with pytest.raises(DomainError) as refused:
        logos.prepare(data)
    (problem,) = refused.value.problems
    assert problem.field == "logo"
    return problem.code.number


def test_a_png_is_redrawn_without_its_metadata_or_anything_appended() -> None:
    upload = png(Comment="<script>alert(1)</script>") + b"<html><script>alert(2)</script>"
    logo = logos.prepare(upload)
    assert logo.png.startswith(PNG_SIGNATURE)
    assert b"script" not in logo.png
    assert Image.open(io.BytesIO(logo.png)).size == (64, 32)


def test_a_jpeg_is_accepted_and_served_as_png() -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(out, format="JPEG")
    assert logos.prepare(out.getvalue()).png.startswith(PNG_SIGNATURE)


def test_a_large_image_is_scaled_down_to_512_pixels() -> None:
    assert max(Image.open(io.BytesIO(logos.prepare(png(2000, 1000)).png)).size) == 512


def test_the_name_or_declared_type_does_not_matter_only_the_content() -> None:
    assert code_of(b"GIF89a\x01\x00\x01\x00") == 8133
    assert code_of(b"<html><body>not an image</body></html>") == 8133


def test_too_many_bytes_or_pixels_are_refused() -> None:
    assert code_of(PNG_SIGNATURE + b"\x00" * (512 * 1024)) == 8134
    assert code_of(png(5000, 10)) == 8134


def test_a_broken_file_with_an_image_signature_is_refused() -> None:
    assert code_of(PNG_SIGNATURE + b"not really a png") == 8135
    assert code_of(b"<svg><unclosed></svg>") == 8135


def test_an_svg_with_entities_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    )
    assert code_of(bomb) == 8133


class _Hits(BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:
        _Hits.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png())

    def log_message(self, format: str, *args: object) -> None:
        del format, args


@pytest.fixture
def watched_server() -> Iterator[str]:
    """A loopback web server noting every request, to prove nothing is fetched."""
    _Hits.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_an_svg_is_rasterised_without_running_or_fetching_anything(watched_server: str) -> None:
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
        width="200" height="100" onload="alert('onload')">
      <script>alert('script')</script>
      <style>@import url("{watched_server}/style.css");</style>
      <rect width="200" height="100" fill="#0b5cad" onclick="alert('click')"/>
      <image href="{watched_server}/tracker.png" width="10" height="10"/>
      <image xlink:href="file:///etc/passwd" width="10" height="10"/>
      <use href="{watched_server}/sprite.svg#logo"/>
      <a href="javascript:alert('link')"><text x="10" y="50">Pizza</text></a>
    </svg>""".encode()

    logo = logos.prepare(svg)

    assert logo.png.startswith(PNG_SIGNATURE)
    for leftover in (b"alert", b"script", b"javascript", b"127.0.0.1", b"passwd", b"<svg"):
        assert leftover not in logo.png
    assert _Hits.paths == []
    width, height = Image.open(io.BytesIO(logo.png)).size
    assert (width, height) == (512, 256)  # drawn at the logo size, margins cut


def test_an_svg_claiming_an_enormous_size_costs_nothing() -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="100000000" height="100000000" '
        b'viewBox="0 0 10 10"><rect width="10" height="10" fill="red"/></svg>'
    )
    assert max(Image.open(io.BytesIO(logos.prepare(svg).png)).size) == 512
