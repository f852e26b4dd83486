"""The checks of the shipped char model and of QR codes in images (beside checks.py, same
shape: pure functions returning a named verdict with its reason)."""

from __future__ import annotations

import re

from plugins.antispam import contact
from plugins.antispam.checks import Facts, Verdict, discussing, framed, shows_an_ad
from plugins.antispam.classifier import ModelScore
from plugins.antispam.config import AntispamConfig
from plugins.antispam.normalize import Normalised
from plugins.antispam.qr import classify

# a price or a payout: what an ad for money, goods or a job names and banter rarely does in
# the same breath as words that score like an ad. Out of fold, between the agreement and the
# member levels, with no contact data or link: 收益 and 佣金 were in 1 hard chat row each (理财
# talk) for 7 ads, so they are not here; the rest was in no hard chat row and in 60 ads
_MONEY = re.compile(r"[0-9]+\s*(?:元|块|w|万|k|rmb|u|%)(?![a-z])|[￥¥]|日入|月入|日赚|返利|返现|提现|到账|包邮|月薪")


def structure(n: Normalised) -> str | None:
    """What an ad needs besides its words, if the message has it: contact data of any kind (a
    phone number, an id, another platform's handle or search term), a link off the ordinary list,
    a price or payout. Said for the explanation."""
    if found := contact.find_contacts(n):
        return f"contact data ({found[0].kind} {found[0].value})"
    if links := contact.promoted_links(n):
        return f"a link ({links[0][:60]})"
    if m := _MONEY.search(n.body):
        return f"a price or payout ({m.group(0)})"
    return None


def check_charmodel(score: ModelScore, n: Normalised, cfg: AntispamConfig) -> Verdict:
    rule = cfg.charmodel
    if score.char is None:
        return Verdict("charmodel", False, "no char model loaded")
    why = ", ".join(dict.fromkeys(w for w, _ in score.char_pushes))
    details = f"{score.char:.3f}" + (f" ({why})" if why else "")
    if len(n.dense) < rule.min_chars:
        return Verdict("charmodel", False, f"{details}; too short to judge")
    threshold = rule.threshold if rule.threshold is not None else score.char_threshold
    obvious = rule.obvious if rule.obvious is not None else score.char_obvious
    member = rule.member if rule.member is not None else score.char_member
    spam = score.char >= threshold
    # an operator's threshold in rules.yaml is the agreement level too
    agree = threshold if rule.threshold is not None else min(score.char_agree, threshold)
    if not spam and score.char >= agree and not (shows_an_ad(n) and discussing(n)):
        # an established member needs two checks anyway: a score this close to the threshold
        # (the level the threshold had when it was at 1% of hard chat) is enough to agree, and
        # enough alone when the message also carries something an ad needs (below)
        if not framed(n) and (what := structure(n)):
            return Verdict("charmodel", True, f"{details} ≥ {agree:.3f}, with {what}", agrees=True,
                           conclusive=True)
        return Verdict("charmodel", True, f"{details} ≥ {agree:.3f}: counts for an established member only "
                                          "with another check", agrees=True)
    if spam and shows_an_ad(n) and discussing(n):
        # a warning that quotes the ad it warns about scores like the ad: the writer's own words
        # ask nobody to act, so the score alone is not enough (another check must agree)
        return Verdict("charmodel", True, f"{details} ≥ {threshold:.3f}, but in a warning or discussion: "
                                          "not enough alone", weak=True)
    strong = spam and score.char >= max(obvious, threshold)
    # Against an established member a score convicts alone past the members' level, or past the
    # threshold (or the agreement level, above) when the message also carries what an ad needs
    # besides its words: contact data, a link, a price or payout (a friend's id or a member's
    # price rarely comes with ad words: on out-of-fold corpus scores, from the agreement level up
    # to the members' level, 133 ads and 1 of 8,967 hard chat rows) — and never when the message
    # is framed as a warning or a quote: those score like the ad they show (a third of the hard
    # normal chat in that band, 4% of the ads)
    shown = f" ≥ {threshold:.3f}"
    conclusive = False
    if spam and not strong and not framed(n):
        if score.char >= max(member, threshold):
            conclusive, shown = True, f" ≥ {max(member, threshold):.3f}"
        elif what := structure(n):
            conclusive, shown = True, f" ≥ {threshold:.3f}, with {what}"
    return Verdict("charmodel", spam, details + shown if spam else details, strong=strong, conclusive=conclusive)


def check_qrcode(f: Facts, cfg: AntispamConfig) -> Verdict:
    """A code that adds a contact, joins a group elsewhere, or takes a payment is an obvious ad;
    a code with an ordinary link or text is recorded, not acted on."""
    targets = [classify(text) for text in f.qr_codes]
    ads = [t for t in targets if t.ad]
    if ads:
        t = ads[0]
        return Verdict("qrcode", True, f"{t.label}: {t.text[:80]}", strong=True)
    if targets:
        return Verdict("qrcode", False, "; ".join(f"{t.label}: {t.text[:60]}" for t in targets))
    return Verdict("qrcode", False)
