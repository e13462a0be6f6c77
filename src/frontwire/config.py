"""One settings object: packaged defaults < config file < environment < CLI flags.

The config file is YAML, found at ``$FRONTWIRE_CONFIG`` or
``<user config dir>/frontwire/config.yaml``; environment variables are
``FRONTWIRE_<FIELD>`` (for example ``FRONTWIRE_MODEL=en_core_web_trf``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml
from platformdirs import user_cache_dir, user_config_dir

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class Settings:
    model: str = "auto"  # "auto": official en_core_web_sm if installed, else the PyPI re-upload
    db: str = "frontwire.duckdb"
    batch_size: int = 32
    cache_dir: str = user_cache_dir("frontwire")
    max_bytes: int = 5_000_000  # larger input files are refused with a clear message

    def merged(self, **overrides: Any) -> Settings:
        """Return a copy with the given non-None overrides (CLI flags) applied."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean)


def _coerce(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        return int(raw) if kind == "int" else str(raw)
    except ValueError as exc:
        raise ConfigError(f"setting {name!r} must be an integer, got {raw!r}") from exc


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Build settings from defaults, the config file and FRONTWIRE_* variables."""
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    cfg = Path(path or os.environ.get("FRONTWIRE_CONFIG")
               or Path(user_config_dir("frontwire")) / "config.yaml")
    if cfg.is_file():
        try:
            data = yaml.safe_load(cfg.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"{cfg}: not valid YAML ({exc.__class__.__name__}); fix or remove it")
        if not isinstance(data, dict):
            raise ConfigError(f"{cfg}: expected a mapping of settings")
        unknown = set(data) - names
        if unknown:
            raise ConfigError(f"{cfg}: unknown settings {sorted(unknown)}; known: {sorted(names)}")
        values.update({k: _coerce(k, v) for k, v in data.items()})
    for name in names:
        env = os.environ.get(f"FRONTWIRE_{name.upper()}")
        if env:
            values[name] = _coerce(name, env)
    return Settings(**values)
