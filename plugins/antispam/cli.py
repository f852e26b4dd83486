"""Placeholder: `qunguan eval-spam` and `qunguan backtest` (click commands) go here."""

import click

COMMANDS: list[click.Command] = []
