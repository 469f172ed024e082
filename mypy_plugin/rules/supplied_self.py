"""A method given through its class to a scheduler whose worker makes the instance (``Child.run``)."""

from __future__ import annotations

from mypy.nodes import FUNC_NO_INFO, Decorator, FuncDef
from mypy.types import CallableType, Overloaded, ProperType, UnionType, get_proper_type

from ..callables import without_first_parameter


def without_supplied_self(signature: ProperType) -> ProperType:
    """The signature(s) without the first parameter of a method given through its class.

    The worker calls the method on an instance it makes: the scheduled arguments start after ``self``. A
    bound method, a static or class method and a plain function are left as they are.
    """
    if isinstance(signature, CallableType):
        if not _unbound_method(signature):
            return signature
        return without_first_parameter(signature)
    if isinstance(signature, Overloaded):
        items = [without_supplied_self(item) for item in signature.items]
        return Overloaded([item for item in items if isinstance(item, CallableType)])
    if isinstance(signature, UnionType):
        return UnionType.make_union(
            [without_supplied_self(get_proper_type(item)) for item in signature.items]
        )
    return signature


def _unbound_method(signature: CallableType) -> bool:
    """Whether the signature is an instance method's that still has its ``self`` (read through the class)."""
    definition = signature.definition
    if isinstance(definition, Decorator):
        definition = definition.func
    if not isinstance(definition, FuncDef) or definition.info is FUNC_NO_INFO:
        return False
    if definition.is_static or definition.is_class or not signature.arg_kinds:
        return False
    # Bound to an instance, mypy drops the first parameter: the names then differ from the definition's.
    return signature.arg_kinds[0].is_positional() and list(signature.arg_names) == definition.arg_names
