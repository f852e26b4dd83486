"""Storage: SQLAlchemy 2 models, sessions and migrations."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData


def load_all_models() -> MetaData:
    """Import every module that defines tables (the core's and the listed plugins') and return
    the shared metadata: what Alembic compares against."""
    from db.base import Base

    importlib.import_module("db.models")
    importlib.import_module("plugins")  # plugin modules define their tables on import
    return Base.metadata
