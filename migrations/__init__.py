"""Alembic migrations (one linear history). Shipped as a package so `qunguan db upgrade` works
from an installed wheel."""
