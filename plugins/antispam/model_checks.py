"""The checks of the shipped char model and of QR codes in images (beside checks.py, same
shape: pure functions returning a named verdict with its reason)."""

from __future__ import annotations

from plugins.antispam import contact
from plugins.antispam.checks import Facts, Verdict, discussing, framed, shows_an_ad
from plugins.antispam.classifier import ModelScore
from plugins.antispam.config import AntispamConfig
from plugins.antispam.normalize import Normalised
from plugins.antispam.qr import classify


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
        # (the level the threshold had when it was at 1% of hard chat) is enough to agree
        return Verdict("charmodel", True, f"{details} ≥ {agree:.3f}: counts for an established member only "
                                          "with another check", agrees=True)
    if spam and shows_an_ad(n) and discussing(n):
        # a warning that quotes the ad it warns about scores like the ad: the writer's own words
        # ask nobody to act, so the score alone is not enough (another check must agree)
        return Verdict("charmodel", True, f"{details} ≥ {threshold:.3f}, but in a warning or discussion: "
                                          "not enough alone", weak=True)
    strong = spam and score.char >= max(obvious, threshold)
    # Against an established member a score convicts alone past the members' level, or past the
    # threshold when the message also carries contact data (a friend's id rarely comes with ad
    # words: on out-of-fold corpus scores 141 ads and 2 of 8,896 hard chat rows in that band) —
    # and never when the message is framed as a warning or a quote: those score like the ad they
    # show (a third of the hard normal chat in that band, 4% of the ads)
    shown = f" ≥ {threshold:.3f}"
    conclusive = False
    if spam and not strong and not framed(n):
        if score.char >= max(member, threshold):
            conclusive, shown = True, f" ≥ {max(member, threshold):.3f}"
        elif found := contact.find_contacts(n):
            conclusive, shown = True, f" ≥ {threshold:.3f}, with contact data ({found[0].kind} {found[0].value})"
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
