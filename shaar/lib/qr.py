"""QR codes drawn as inline SVG on the server: no script, nothing fetched from elsewhere."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(text: str, *, scale: int = 4) -> SafeString:
    """An inline <svg> of `text` (safe: segno writes the markup, `text` is only encoded)."""
    svg = segno.make(text, error="m").svg_inline(scale=scale, dark="#000", light="#fff")
    return mark_safe(svg)  # segno writes the markup; the text is encoded as modules
