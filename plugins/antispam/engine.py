"""Runs the group's checks in its order and turns their verdicts into one decision (data): spam
or not, which checks fired in enforce and in shadow mode, and whether it is an obvious ad."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plugins.antispam.checks import TEXT_CHECKS, Facts, Verdict, check_bayes, check_similar
from plugins.antispam.classifier import SpamModel
from plugins.antispam.config import CONTENT_CHECKS, AntispamConfig
from plugins.antispam.model_checks import check_charmodel, check_qrcode
from plugins.antispam.normalize import normalise


@dataclass(frozen=True, slots=True)
class Decision:
    verdicts: list[tuple[Verdict, str]] = field(default_factory=list)  # (verdict, mode)
    score: float = 0.0  # the classifier's P(spam), for the record
    char_score: float | None = None  # the char model's P(spam) (None: not run)

    @property
    def fired(self) -> list[Verdict]:
        return [v for v, mode in self.verdicts if v.spam and mode == "enforce"]

    @property
    def shadow_fired(self) -> list[Verdict]:
        return [v for v, mode in self.verdicts if v.spam and mode == "shadow"]

    @property
    def spam(self) -> bool:
        return bool(self.fired)

    @property
    def obvious(self) -> bool:
        return any(v.strong for v in self.fired)

    def reason(self, verdicts: list[Verdict] | None = None) -> str:
        return "; ".join(f"{v.name}: {v.details}" for v in (verdicts if verdicts is not None else self.fired))

    def evidence(self) -> list[dict[str, Any]]:
        return [{"name": v.name, "spam": v.spam, "details": v.details, "mode": mode}
                for v, mode in self.verdicts]


def decide(facts: Facts, cfg: AntispamConfig, model: SpamModel | None, room: str | None) -> Decision:
    """Every check the group enables, in its order. Trusted members skip content checks."""
    n = normalise(facts.text)
    verdicts: list[tuple[Verdict, str]] = []
    score = None
    for name in cfg.order:
        mode = cfg.mode(name)
        if mode == "off" or (facts.trusted and name in CONTENT_CHECKS):
            continue
        if name in ("bayes", "similar", "charmodel"):
            if model is None or not n.dense:
                continue
            if score is None:
                score = model.score(facts.text, room, similar="similar" in cfg.order)
            if name == "charmodel":
                verdict = check_charmodel(score, n, cfg)
            else:
                verdict = check_bayes(score, cfg) if name == "bayes" else check_similar(facts, n, score, cfg)
        elif name == "qrcode":
            if not facts.qr_codes:
                continue
            verdict = check_qrcode(facts, cfg)
        else:
            verdict = TEXT_CHECKS[name](facts, n, cfg)
        verdicts.append((verdict, mode))
    return Decision(verdicts, score.bayes if score else 0.0, score.char if score else None)
