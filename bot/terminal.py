"""Terminal output: logging format and the login QR code."""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)


def setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
        force=True,
    )
    # The SDK logs every payload at INFO; keep our log readable.
    for noisy in ("wechaty", "wechaty_puppet", "wechaty_puppet_service", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


def print_login_qr(payload: str, status: str) -> None:
    """A real gateway asks for a QR scan to log in: draw it where the operator is looking."""
    if not payload:
        log.info("login status: %s", status)
        return
    # here, not at the top: every CLI command imports this module for its logging, and qrcode
    # brings Pillow (~4 MB, ~15 ms); only a login with a real gateway draws a QR code
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(payload)
    qr.make(fit=True)
    print(f"\n请用机器人的微信扫码登录（{status}）：{payload}", file=sys.stderr)
    qr.print_ascii(out=sys.stderr, invert=True)
