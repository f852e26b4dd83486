"""What the console shows about the link to WeChat, observed from the event stream the adapter
delivers (the runtime calls observe() for every event before the app sees it). Kept free of
web imports so the runtime can always afford it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.events import ConnectionChanged, LoggedIn, LoggedOut, LoginQRCode


@dataclass
class LinkStatus:
    connected: bool | None = None  # None: no connection event yet
    connection_detail: str = ""
    connection_at: datetime | None = None
    self_id: str | None = None
    self_name: str = ""
    logged_in_at: datetime | None = None
    logged_out_reason: str = ""
    # the login QR the gateway asked for; cleared on login, so the console shows it only while wanted
    qrcode: str = ""
    qrcode_status: str = ""
    qrcode_at: datetime | None = None

    def observe(self, event: object) -> None:
        match event:
            case ConnectionChanged():
                self.connected, self.connection_detail, self.connection_at = (event.connected, event.detail,
                                                                              event.timestamp)
            case LoggedIn():
                self.self_id, self.self_name, self.logged_in_at = event.self_id, event.self_name, event.timestamp
                self.logged_out_reason, self.qrcode, self.qrcode_status = "", "", ""
            case LoggedOut():
                self.self_id, self.logged_out_reason = None, event.reason
            case LoginQRCode():
                self.qrcode, self.qrcode_status, self.qrcode_at = event.qrcode, event.status, event.timestamp
