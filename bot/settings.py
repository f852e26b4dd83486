"""Process settings from the environment (rules.yaml holds policy; this holds plumbing)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    # The gateway. When neither is set, `qunguan run` starts the built-in simulator instead.
    puppet_endpoint: str = Field(default="", validation_alias="WECHATY_PUPPET_SERVICE_ENDPOINT")
    puppet_token: str = Field(default="", validation_alias="WECHATY_PUPPET_SERVICE_TOKEN")
    # A gateway left on its default TLS (not recommended: see README) needs this.
    puppet_tls: bool = Field(default=False, validation_alias="QUNGUAN_PUPPET_TLS")
    database_url: str = Field(default="sqlite:///qunguan.db", validation_alias="QUNGUAN_DATABASE_URL")
    log_level: str = Field(default="INFO", validation_alias="QUNGUAN_LOG_LEVEL")
    # The SDK caches payloads on disk; keep them out of the working directory.
    cache_dir: Path = Field(default=Path(".qunguan-cache"), validation_alias="QUNGUAN_CACHE_DIR")
    # The web console (bot/console): "auto" is on with the built-in simulator (the demo) and off
    # with a gateway (production), unless `qunguan run --web/--no-web` says otherwise.
    console: str = Field(default="auto", validation_alias="QUNGUAN_CONSOLE")
    console_host: str = Field(default="127.0.0.1", validation_alias="QUNGUAN_CONSOLE_HOST")
    console_port: int = Field(default=8765, validation_alias="QUNGUAN_CONSOLE_PORT")
    # empty: a fresh token is generated at start and printed
    console_token: str = Field(default="", validation_alias="QUNGUAN_CONSOLE_TOKEN")

    def console_enabled(self, flag: bool | None) -> bool:
        if flag is not None:
            return flag
        value = self.console.strip().lower()
        if value in ("1", "true", "on", "yes"):
            return True
        if value in ("0", "false", "off", "no"):
            return False
        return not self.uses_gateway

    @property
    def uses_gateway(self) -> bool:
        return bool(self.puppet_endpoint or self.puppet_token)
