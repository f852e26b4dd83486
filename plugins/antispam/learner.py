"""The in-memory model kept in step with the samples table: seeded on first run, then each new
sample (from this process or another sharing the database) is learned once, by id.

Both models learn every admin sample: the Bayes counts it, the shipped char model takes
gradient steps on it (seed samples are already inside the char model's artifact). Another
process's labels are found by polling the samples' id watermark at most every POLL seconds of
event time, so a busy group does not pay a query per message; this process's own labels are
picked up at once (`refresh=True`)."""

from __future__ import annotations

import logging
import weakref
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from plugins.antispam import store
from plugins.antispam.classifier import SpamModel, fit
from plugins.antispam.models import SHARED

log = logging.getLogger("plugins.antispam")
POLL = timedelta(seconds=30)


class Learner:
    def __init__(self, poll: timedelta = POLL) -> None:
        self._models: dict[str, SpamModel] = {}
        self._polled: dict[str, datetime] = {}
        # an engine's URL rendered once, not per message (rendering quotes every part; issue 13)
        self._keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
        self.poll = poll

    def model(self, db: Session, at: datetime, *, refresh: bool = False) -> SpamModel:
        engine = db.get_bind().engine
        key = self._keys.get(engine)
        if key is None:
            key = self._keys[engine] = str(engine.url)
        model = self._models.get(key)
        if model is None:
            if store.ensure_seeded(db, at):
                log.info("antispam: seed samples loaded into the database")
            model = self._models[key] = SpamModel()
            # the first load is a bulk fit (see classifier.fit); later samples are learned one by one
            samples = store.all_samples(db)
            fit(model, [(s.text, s.label, s.room_id, s.id) for s in samples])
            for s in samples:
                if s.room_id == SHARED and s.source != "seed":
                    model.learn_char(s.text, s.label)
            self._polled[key] = at
            return model
        last = self._polled.get(key)
        if refresh or last is None or at - last >= self.poll or at < last:
            self.catch_up(db, model)
            self._polled[key] = at
        return model

    @staticmethod
    def catch_up(db: Session, model: SpamModel) -> None:
        if store.latest_sample_id(db) <= model.last_id:
            return
        while batch := store.samples_after(db, model.last_id):
            for sample in batch:
                model.learn(sample.text, sample.label, sample.room_id, sample.id, char=sample.source != "seed")
