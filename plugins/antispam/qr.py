"""QR codes in images: decode (bounded) and say what a code points at.

Group spammers post a QR code as an image with no text at all: a WeChat contact or group code,
an invite to another platform, or a payment code. Decoding uses zxing-cpp (a native wheel) on
an image Pillow opens; both are bounded: images over a byte or pixel budget are not decoded,
large ones are scaled down first, and the caller runs `decode` off the event loop with a
timeout. An ordinary photo yields no code and so no verdict.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

MAX_SIDE = 1280  # scale larger images down before decoding: QR codes posted in chat survive it

# What a decoded text points at, first match wins. (kind, pattern on the lower-cased text, label)
_KINDS: tuple[tuple[str, re.Pattern[str], str], ...] = tuple((k, re.compile(p), label) for k, p, label in (
    ("wechat_group", r"weixin\.qq\.com/g/|weixin://.*chatroom", "微信群二维码"),
    ("wecom", r"work\.weixin\.qq\.com/|wecom\.work|weixin\.qq\.com/.*wework", "企业微信二维码"),
    ("wechat_contact", r"u\.wechat\.com/|weixin\.qq\.com/r/|weixin://|wechat\.com/u/|weixin\.qq\.com/u/",
     "微信名片二维码"),
    ("payment", r"^wxp://|qr\.alipay\.com|^alipays?://|qr\.95516\.com|^upi://|pay\.weixin\.qq\.com|"
                r"payapp\.weixin\.qq\.com|^https?://(?:[a-z0-9-]+\.)*(?:alipay|tenpay)\.com/", "收款码"),
    ("qq", r"qm\.qq\.com/|jq\.qq\.com/|qun\.qq\.com/|^mqqapi://|im\.qq\.com/.*group", "QQ 二维码"),
    ("other_platform", r"(?:^|[/.])t\.me/|^tg://|telegram\.(?:me|dog)/|wa\.me/|chat\.whatsapp\.com/|line\.me/|"
                       r"discord\.(?:gg|com/invite)/|v\.douyin\.com/|v\.kuaishou\.com/|xhslink\.com/|"
                       r"dingtalk\.com/|qr\.dingtalk\.com|feishu\.cn/invite|skype\.com/join|"
                       r"signal\.(?:me|group)/", "其他平台邀请"),
))


@dataclass(frozen=True, slots=True)
class QRTarget:
    kind: str  # a _KINDS key, or "link" / "text"
    label: str  # how members are told, in Chinese
    text: str  # the decoded text, cut short

    @property
    def ad(self) -> bool:
        return self.kind not in ("link", "text")


def classify(text: str) -> QRTarget:
    shown = text.strip()
    low = shown.lower()
    for kind, pattern, label in _KINDS:
        if pattern.search(low):
            return QRTarget(kind, label, shown[:120])
    if low.startswith(("http://", "https://", "www.")):
        return QRTarget("link", "链接二维码", shown[:120])
    return QRTarget("text", "文字二维码", shown[:120])


class TooLarge(ValueError):
    pass


def decode(data: bytes, *, max_bytes: int = 4_000_000, max_pixels: int = 16_000_000) -> list[str]:
    """The texts of the QR codes in an image (PNG, JPEG, GIF, WebP …), [] when none. Raises
    TooLarge past the budgets and ValueError when the bytes are not an image. Blocking and
    CPU-bound (tens of ms): call it in a worker thread."""
    if len(data) > max_bytes:
        raise TooLarge(f"image of {len(data)} bytes (limit {max_bytes})")
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))  # reads the header only
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"not an image: {exc}") from exc
    width, height = img.size
    if width * height > max_pixels:
        raise TooLarge(f"image of {width}x{height} pixels (limit {max_pixels})")
    try:
        img.draft("L", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale, much cheaper
        gray = img.convert("L")
    except (OSError, ValueError) as exc:
        raise ValueError(f"unreadable image: {exc}") from exc
    if max(gray.size) > MAX_SIDE:
        gray.thumbnail((MAX_SIDE, MAX_SIDE))
    # QR finder patterns are found in any orientation, and ads print dark on light: the rotated
    # and inverted retries only cost time (measured in bench/antispam)
    codes = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode),
                                   try_rotate=False, try_invert=False)
    return [c.text for c in codes if c.valid and c.text][:5]
