"""Storage: SQLAlchemy 2 models, sessions and migrations."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData


def load_all_models() -> MetaData:
    """Import every module that defines tables (the core's and the listed plugins') and return
    the shared metadata: what Alembic migrates and compares against."""
    from db.base import Base

    importlib.import_module("db.models")
    try:
        importlib.import_module("plugins")  # plugin modules define their tables on import
    except ModuleNotFoundError as exc:
        # no plugins package (yet) means no plugin tables; a plugin that fails to import one of
        # *its* dependencies is a real error and must not silently drop its tables
        if exc.name != "plugins":
            raise
    return Base.metadata
