"""The mypy releases the plugin supports, and every difference between them that its code must know.

The plugin runs unchanged from ``MINIMUM_MYPY`` to the newest release it is tested on; the differences users
see between those releases are mypy's own (error codes and notes of its call checking), not the plugin's.
Where mypy's API differs between supported releases, the difference is bridged here and nowhere else.

Below ``MINIMUM_MYPY``, ``mypy.plugins.functools`` lacks ``handle_partial_with_callee``: it is looked up
when called, not imported, so that the plugin still loads there and ``plugin(version)`` can refuse the
release with a message instead of an ``ImportError``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Final, TypeVar

from mypy.nodes import TypeInfo
from mypy.plugin import FunctionContext
from mypy.plugins import functools as mypy_functools
from mypy.type_visitor import TypeQuery
from mypy.types import Instance, ProperType, Type

MINIMUM_MYPY: Final = (1, 12, 1)
# The releases the tests run on, at both ends; the ``mypy`` extra in pyproject.toml declares the same range.
SUPPORTED_RANGE: Final = "mypy>=1.12.1,<2.5"


class UnsupportedMypy(SystemExit):
    """Raised (and mypy stopped, exit status 2) when mypy is older than the plugin supports."""

    def __init__(self, version: str) -> None:
        print(
            f"bgtyped: the bgtyped.mypy plugin needs {SUPPORTED_RANGE}, but this is mypy {version}; "
            f'upgrade it (pip install "bgtyped[mypy]") or remove "bgtyped.mypy" from the plugins',
            file=sys.stderr,
        )
        super().__init__(2)


def release(version: str) -> tuple[int, ...]:
    """The numeric release of a mypy version string: ``"2.4.1"``, ``"1.12.1+dev.4f3c2a"`` -> ``(2, 4, 1)``."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"not a mypy version: {version!r}")
    return tuple(int(part) for part in match.group().split("."))


def require_supported(version: str) -> None:
    """Return if mypy ``version`` is supported; raise ``UnsupportedMypy`` if it is older than the range.

    Newer releases than the tested range are let through: the ``mypy`` extra caps what pip installs, and a
    newer mypy chosen on purpose is how a new release is tried (see the README's Development section).
    """
    if release(version) < MINIMUM_MYPY:
        raise UnsupportedMypy(version)


def partial_new_callback(ctx: FunctionContext) -> Type:
    """mypy's own hook of ``functools.partial(...)``."""
    return mypy_functools.partial_new_callback(ctx)


def handle_partial_with_callee(ctx: FunctionContext, callee: Type) -> Type:
    """mypy's ``functools.partial(...)`` hook for a given callee signature (mypy >= 1.12)."""
    return mypy_functools.handle_partial_with_callee(ctx, callee=callee)


def type_object_type(info: TypeInfo, named_type: Callable[[str], Instance]) -> ProperType:
    """The type of the class ``info`` called: its constructor's signature, as mypy finds it.

    Newer releases define it in ``mypy.typeops``; older ones (1.12 among them) in ``mypy.checkmember``.
    """
    try:
        from mypy.typeops import type_object_type as find
    except ImportError:
        from mypy.checkmember import type_object_type as find  # type: ignore[attr-defined,no-redef]
    return find(info, named_type)


BoolQuery = TypeVar("BoolQuery", bound=TypeQuery[bool])


def any_type_query(query: type[BoolQuery]) -> BoolQuery:
    """A new ``query``, a ``TypeQuery[bool]`` whose answer is true if it is for any part of the type.

    Older releases (1.12 among them) give ``TypeQuery`` its strategy as an argument; newer ones ask for a
    ``strategy`` method, which ``query`` defines.
    """
    try:
        return query()
    except TypeError:
        return query(any)  # type: ignore[call-arg]
