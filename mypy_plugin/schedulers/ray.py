"""Ray: ``f.remote(...)``, actor methods ``handle.m.remote(...)`` and actor constructors ``Cls.remote(...)``.

Read from ray 2.60 (and 2.48, whose classes have the same names). ``@ray.remote`` gives a function one of
eleven classes, ``RemoteFunctionNoArgs`` and ``RemoteFunction0`` to ``RemoteFunction9`` (by the number of
parameters of the first overload that fits), whose ``remote`` takes positional arguments only; a
``@ray.method`` actor method likewise gives ``_RemoteMethodNoArgs`` to ``_RemoteMethod9``. Ray itself passes
every argument of ``remote``, positional and keyword, to the function (``inspect.Signature.bind`` raises
``TypeError`` in the caller when they do not fit): the calls are checked against the decorated definition,
and where none is found, left to mypy on the declared signature. ``options(...)`` returns the same class
and takes no task argument. ``self=`` reaches the function through ``f.remote``, and collides with the
``self`` of the wrapper that ``options`` returns, of an actor method and of an actor class.
"""

from __future__ import annotations

from typing import Final

from .spec import FutureResolution, Receiver, SchedulerSpec

_WORKER: Final = "ray._private.worker"
_ACTOR: Final = "ray.actor"
# The suffixes of the classes' names: no parameter, then one class per number of parameters up to ten.
_ARITIES: Final = ("NoArgs", *(str(count) for count in range(10)))
_SELF: Final = frozenset({"self"})
# Ray resolves an ObjectRef given as an argument itself, not one inside a list or a dict (2.48 names the
# class ray._raylet.ObjectRef, 2.60 ray.includes.object_ref.ObjectRef; ray.types.ObjectRef is the generic
# alias of older code).
_OBJECT_REFS: Final = FutureResolution(
    frozenset({"ray._raylet.ObjectRef", "ray.includes.object_ref.ObjectRef", "ray.types.ObjectRef"}),
    nested=False,
)

SCHEDULERS: Final[tuple[SchedulerSpec, ...]] = (
    *(
        SchedulerSpec(
            owner=f"{_WORKER}.RemoteFunction{arity}",
            member="remote",
            name="remote",
            target=Receiver(),
            coroutines="dropped",
            checked_against="definition",
            resolved_futures=_OBJECT_REFS,
            reserved_when_configured=_SELF,
        )
        for arity in _ARITIES
    ),
    # An async actor method runs on the actor's event loop, which awaits it.
    *(
        SchedulerSpec(
            owner=f"{_ACTOR}._RemoteMethod{arity}",
            member="remote",
            name="remote",
            target=Receiver(),
            coroutines="awaited",
            checked_against="definition",
            resolved_futures=_OBJECT_REFS,
            reserved_keywords=_SELF,
        )
        for arity in _ARITIES
    ),
    SchedulerSpec(
        owner=f"{_ACTOR}.ActorClass",
        member="remote",
        name="remote",
        target=Receiver(),
        checked_against="constructor",
        resolved_futures=_OBJECT_REFS,
        reserved_keywords=_SELF,
    ),
)
