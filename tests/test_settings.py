"""One settings table, overridable by TOML and environment, with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.errors import ConfigError
from storyweave.settings import SETTINGS_TABLE, Settings


def test_every_setting_has_a_default_and_a_help_line() -> None:
    names = [s.name for s in SETTINGS_TABLE]
    assert len(names) == len(set(names))
    for setting in SETTINGS_TABLE:
        assert setting.help.strip(), setting.name
        assert setting.default is not None, setting.name


def test_toml_then_environment_then_arguments(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('fetch_timeout_s = 3.5\nlanguages = ["ar", "fr"]\nallow_private_addresses = true\n')
    settings = Settings.load(config, environ={"STORYWEAVE_FETCH_TIMEOUT_S": "7"})
    assert settings.fetch_timeout_s == 7.0
    assert settings.languages == ["ar", "fr"]
    assert settings.allow_private_addresses is True
    settings = Settings.load(config, environ={"STORYWEAVE_LANGUAGES": "en, de"}, fetch_timeout_s=1.0)
    assert settings.languages == ["en", "de"] and settings.fetch_timeout_s == 1.0


def test_bad_values_name_the_setting_and_the_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"fetch_timeout_s.*STORYWEAVE_FETCH_TIMEOUT_S"):
        Settings.load(environ={"STORYWEAVE_FETCH_TIMEOUT_S": "soon"})
    bad = tmp_path / "bad.toml"
    bad.write_text("this is = = not toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(bad, environ={})
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'\n")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        Settings.load(unknown, environ={})
