"""The in-memory model kept in step with the samples table: seeded on first run, then each new
sample (from this process or another sharing the database) is learned once, by id."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from plugins.antispam import store
from plugins.antispam.classifier import SpamModel, fit

log = logging.getLogger("plugins.antispam")


class Learner:
    def __init__(self) -> None:
        self._models: dict[str, SpamModel] = {}

    def model(self, db: Session, at: datetime) -> SpamModel:
        key = str(db.get_bind().engine.url)
        model = self._models.get(key)
        if model is None:
            if store.ensure_seeded(db, at):
                log.info("antispam: seed samples loaded into the database")
            model = self._models[key] = SpamModel()
            # the first load is a bulk fit (see classifier.fit); later samples are learned one by one
            rows = [(s.text, s.label, s.room_id, s.id) for s in store.all_samples(db)]
            fit(model, rows)
        self.catch_up(db, model)
        return model

    @staticmethod
    def catch_up(db: Session, model: SpamModel) -> None:
        if store.latest_sample_id(db) <= model.last_id:
            return
        while batch := store.samples_after(db, model.last_id):
            for sample in batch:
                model.learn(sample.text, sample.label, sample.room_id, sample.id)
