"""Pictures the simulator's members post: a QR code as spammers post them (a picture with no
text at all), for the console's /qr and the tests."""

from __future__ import annotations

import io


def qr_png(payload: str, *, scale: int = 6) -> bytes:
    """A PNG of a QR code holding payload: what a member posts as a picture of a code."""
    import qrcode  # only when a code is drawn: the bot itself never draws one

    buf = io.BytesIO()
    qrcode.make(payload, box_size=scale).save(buf)
    return buf.getvalue()
