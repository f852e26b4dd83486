"""qunguan (群管): a moderation bot for WeChat groups."""

__version__ = "0.1.0"
