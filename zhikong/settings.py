"""Settings from the environment (or a .env file); every variable is explained in .env.example."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    bot_token: SecretStr | None = None
    database_url: str = "sqlite:///var/zhikong.db"
    redis_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    telegram_api_url: str | None = None
    directory_file: Path | None = None
    scoring_file: Path | None = None
    supervision_file: Path | None = None
    default_language: Literal["zh", "en"] = "zh"
    usd_cny_rate: Decimal = Field(default=Decimal("7.1"), gt=0)
    invite_ttl_hours: int = Field(default=72, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
