"""Building models from a labelled file (eval-spam --train, the benchmark)."""

from __future__ import annotations

from collections.abc import Sequence

from plugins.antispam.checks import Facts, check_contact, check_keywords
from plugins.antispam.classifier import SpamModel, fit
from plugins.antispam.config import AntispamConfig
from plugins.antispam.dataset import Row
from plugins.antispam.normalize import normalise

FBS_SOURCE = "dev_sms_fbs_spam"


def noisy_ham(text: str, cfg: AntispamConfig) -> bool:
    """A "ham" row the strong rules call an ad. Public sets label by their own definition (one
    labels only in-game currency ads as spam, so 加微信 lures sit among its ham); learning those
    as normal would teach the model that 引流 is chat. They are left out of training only."""
    facts, n = Facts(text=text), normalise(text)
    contact = check_contact(facts, n, cfg)
    keyword = check_keywords(facts, n, cfg)
    return (contact.spam and contact.strong) or (keyword.spam and keyword.strong)


def clean(row: Row) -> Row:
    """Placeholder words (NAME, URL, DIGIT …) of the fake-base-station SMS set go: a model must
    learn content, not that set's masking style."""
    if row.source != FBS_SOURCE:
        return row
    from plugins.antispam.build_model import strip_placeholders

    return Row(row.label, strip_placeholders(row.text), row.source, row.category, row.campaign)


def build_model(rows: Sequence[Row], cfg: AntispamConfig, *, passes: int = 2, char: bool = False,
                log=None) -> tuple[SpamModel, int]:
    """(model, ham rows skipped as noisy). With char=True a char model is trained on the same
    rows (thresholds calibrated on their chat-like ham, see build_model.build); otherwise the
    shipped char model is used."""
    kept_rows: list[Row] = []
    skipped = 0
    for row in rows:
        if row.label == 0 and noisy_ham(row.text, cfg):
            skipped += 1
            continue
        row = clean(row)
        if row.text.strip():
            kept_rows.append(row)
    charmodel = None
    if char:
        from plugins.antispam.build_model import build

        # a labelled file's normal rows are its own definition of normal: calibrate on all of them
        charmodel = build(kept_rows, log=log or (lambda _m: None), chat_only=False)
    model = SpamModel(charmodel)
    fit(model, [(r.text, r.label, "*", -i) for i, r in enumerate(kept_rows, start=1)],  # negative ids: not samples
        passes=passes)
    return model, skipped
