"""The plugin's settings: ``[tool.bgtyped]`` in pyproject.toml, ``[mypy.plugins.bgtyped]`` in an ini file.

Settings are read from the file mypy itself was configured with. Every key is checked: a misspelt setting
stops mypy with a message naming the file, the section and the keys it knows, instead of being ignored.
"""

from __future__ import annotations

import configparser
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NoReturn

TOML_SECTION: Final = ("tool", "bgtyped")
INI_SECTION: Final = "mypy.plugins.bgtyped"

# The settings the plugin understands; none exist yet, so any key is a mistake.
KNOWN_KEYS: Final[frozenset[str]] = frozenset()


class ConfigError(SystemExit):
    """Raised (and mypy stopped, exit status 2) when the plugin's settings cannot be used."""

    def __init__(self, message: str) -> None:
        print(f"bgtyped: {message}", file=sys.stderr)
        super().__init__(2)


@dataclass(frozen=True)
class BgtypedConfig:
    """The plugin's settings, as reported to mypy's cache (a change rechecks every module)."""

    def to_data(self) -> dict[str, object]:
        return {}


def load_config(config_file: str | None) -> BgtypedConfig:
    if config_file is None:
        return BgtypedConfig()
    path = Path(config_file)
    if path.suffix == ".toml":
        section, where = _toml_section(path)
    else:
        section, where = _ini_section(path)
    return _parse(section, where)


def _toml_section(path: Path) -> tuple[Mapping[str, object], str]:
    where = f"[{'.'.join(TOML_SECTION)}] of {path}"
    try:
        with path.open("rb") as file:
            data: object = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError):
        # mypy reads the same file and reports what is wrong with it.
        return {}, where
    for key in TOML_SECTION:
        if not isinstance(data, dict):
            _fail(f"{where} must be a table")
        data = data.get(key, {})
    if not isinstance(data, dict):
        _fail(f"{where} must be a table")
    return data, where


def _ini_section(path: Path) -> tuple[Mapping[str, object], str]:
    where = f"[{INI_SECTION}] of {path}"
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        return {}, where
    if not parser.has_section(INI_SECTION):
        return {}, where
    return dict(parser.items(INI_SECTION)), where


def _parse(section: Mapping[str, object], where: str) -> BgtypedConfig:
    unknown = sorted(set(section) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS)) or "none (leave the section out)"
        _fail(f"unknown setting(s) {', '.join(unknown)} in {where}; known settings: {known}")
    return BgtypedConfig()


def _fail(message: str) -> NoReturn:
    raise ConfigError(message)
