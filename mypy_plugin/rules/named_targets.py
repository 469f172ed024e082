"""A target given as a string: the import path of a function, resolved by the worker, and not checked."""

from __future__ import annotations

from mypy.checker import TypeChecker
from mypy.subtypes import is_subtype
from mypy.types import Type, UnionType, get_proper_type


def may_be_name(api: TypeChecker, typ: Type) -> bool:
    """Whether a target may be a string: the import path of a function, resolved by the worker."""
    proper = get_proper_type(typ)
    items = proper.items if isinstance(proper, UnionType) else [proper]
    text = api.named_type("builtins.str")
    return any(is_subtype(item, text) for item in items)
