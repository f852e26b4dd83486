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

    @property
    def uses_gateway(self) -> bool:
        return bool(self.puppet_endpoint or self.puppet_token)
