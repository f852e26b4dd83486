"""How WeChat renders mentions, quotes and non-text messages into the text a puppet delivers."""

from __future__ import annotations

from bot.events import MessageKind

AT_SEPARATOR = "\u2005"  # WeChat puts a four-per-em space after "@名字"
QUOTE_RULE = "- - - - - - - - - - - - - - -"


def render_mentions(text: str, names: list[str]) -> str:
    """Make sure every mentioned name appears as "@名字" + U+2005, as WeChat sends it.

    A name already written inline keeps its place (its trailing space becomes U+2005);
    the others are put in front, which is where the WeChat client inserts them."""
    front: list[str] = []
    for name in names:
        tag = f"@{name}"
        if tag + AT_SEPARATOR in text:
            continue
        if tag + " " in text:
            text = text.replace(tag + " ", tag + AT_SEPARATOR, 1)
        elif text.endswith(tag):
            text = text + AT_SEPARATOR
        else:
            front.append(tag + AT_SEPARATOR)
    return "".join(front) + text


def render_quote(quoted_name: str, quoted_text: str, reply: str) -> str:
    """The text of a reply that quotes another message (引用), as puppets deliver it."""
    return f"「{quoted_name}：{quoted_text}」\n{QUOTE_RULE}\n{reply}"


def preview(kind: MessageKind, text: str) -> str:
    """A one-line stand-in for a message, as WeChat shows it in quotes and chat lists."""
    labels = {
        MessageKind.LINK: "[链接]",
        MessageKind.MINI_PROGRAM: "[小程序]",
        MessageKind.CONTACT_CARD: "[名片]",
        MessageKind.FILE: "[文件]",
    }
    if kind == MessageKind.IMAGE:
        return "[图片]"
    if kind in labels:
        return f"{labels[kind]} {text}".rstrip()
    return text
