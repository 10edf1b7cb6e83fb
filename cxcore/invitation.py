"""The invitation to a workshop: the join link participants open, and its QR code for the projector."""
from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno  # pure Python, no dependencies: a QR encoder is Reed–Solomon and masks, not ours to rewrite


def join_link(address: str, workshop_id: str) -> str:
    """`http://host:port/join?w=<id>` from the address the app is reached at (any path or query dropped)."""
    parts = urlsplit(address.strip() if "://" in address else f"http://{address.strip()}")
    return urlunsplit((parts.scheme, parts.netloc, "/join", urlencode({"w": workshop_id}), ""))


def qr_png(text: str, scale: int = 10) -> bytes:
    """The QR code of `text` as a PNG (error correction M: a projector's glare may hide a corner)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
