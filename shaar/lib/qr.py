"""QR codes drawn as SVG on the server: no script, nothing fetched from elsewhere."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str, *, scale: int = 4) -> bytes:
    """An SVG document of `text` as a QR code (medium error correction)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=scale, dark="#000", light="#fff",
                                     xmldecl=False)
    return out.getvalue()
