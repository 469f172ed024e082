"""pytest plugin: ``--bgtyped-check-types`` (or ``bgtyped_check_types = true``) turns value checking on.

Loaded by pytest through the ``pytest11`` entry point. Unless the option is given, it imports nothing but
``bgtyped`` itself: neither beartype nor Starlette.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

_previous: list[bool] = []  # the setting before this run turned the check on, to restore at its end


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--bgtyped-check-types`` and the ini option ``bgtyped_check_types``."""
    help_text = (
        "check scheduled arguments' values against their annotations (bgtyped.check_types(True)); "
        'needs pip install "bgtyped[types]"'
    )
    parser.getgroup("bgtyped").addoption(
        "--bgtyped-check-types", action="store_true", default=False, help=help_text
    )
    parser.addini("bgtyped_check_types", help_text, type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    """Turn value checking on for the run when asked; ``ImportError`` if beartype is not installed."""
    if config.getoption("bgtyped_check_types") or config.getini("bgtyped_check_types"):
        from ._value_types import check_types

        _previous.append(check_types(True))


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give back the setting the run started with."""
    if _previous:
        from ._value_types import check_types

        check_types(_previous.pop())
