"""A job named by a string (arq's ``enqueue_job("send_email", ...)``, saq's ``enqueue("send_email", ...)``)
resolved to the function a worker registers under that name, through the worker settings the project names.

The function list is read from the worker module's source (`worker_sources`) and each name in it looked up
in mypy's symbol table of that module, which a module loaded from the cache keeps. A name that is not a
literal, or settings that cannot be read, leave the call unchecked: nothing is guessed.
"""

from __future__ import annotations

import difflib
from typing import Final

from mypy.checker import TypeChecker
from mypy.nodes import (
    ARG_OPT,
    ARG_POS,
    ARG_STAR,
    GDEF,
    Decorator,
    Expression,
    FuncDef,
    FuncItem,
    LambdaExpr,
    MypyFile,
    OverloadedFuncDef,
    StrExpr,
    SymbolNode,
    SymbolTable,
    SymbolTableNode,
    TypeInfo,
    Var,
)
from mypy.server.trigger import make_trigger
from mypy.types import AnyType, CallableType, Overloaded, ProperType, Type, TypeOfAny, get_proper_type

from . import errorcodes, messages
from .callables import without_first_parameter
from .records import Record
from .schedulers import JobNames
from .worker_sources import Entry, function_list

# The calls that register a function under a name, by their fully qualified names.
_REGISTERING: Final = frozenset({"arq.worker.func", "arq.cron.cron", "saq.job.CronJob"})


# The name `_mark_for_the_daemon` adds to a worker module's symbol table.
_DAEMON_MARKER: Final = "__bgtyped_job_list__"
# saq's ``Job`` field holding the job's keywords.
_PACKED_KEYWORDS: Final = "kwargs"


class NamedJob(Record):
    """The function a worker runs for a job name, and its signature after the context the worker passes."""

    __slots__ = ("name", "signature")

    def __init__(self, name: str, signature: ProperType) -> None:
        self.name: Final = name
        self.signature: Final = signature


class _Registered(Record):
    """The worker settings' jobs by name (None: a function whose signature is not known), and what could
    not be read."""

    __slots__ = ("jobs", "unreadable")

    def __init__(self, jobs: dict[str, list[SymbolNode | None]], unreadable: list[str]) -> None:
        self.jobs: Final = jobs
        self.unreadable: Final = unreadable


def named_job(
    api: TypeChecker, name_expr: Expression, jobs: JobNames, scheduler: str, keywords: list[str | None]
) -> NamedJob | None:
    """The job a literal name stands for; None (after reporting a name no worker registers) to leave the
    call's arguments unchecked.

    ``keywords``: the call's keywords for the job. saq's ``kwargs=`` sets the job's keywords, and the
    others are added to them or dropped by the order they come in: that call's arguments are not checked.
    """
    if not isinstance(name_expr, StrExpr) or not jobs.settings:
        return None
    registered = _registered(api, jobs)
    nodes = registered.jobs.get(name_expr.value)
    if nodes is None:
        _report_unknown(api, name_expr, jobs, registered, scheduler)
        return None
    if len({id(node) for node in nodes}) != 1 or nodes[0] is None:
        return None  # two workers register different functions under the name, or one is not known
    node = nodes[0]
    _depend_on(api, node.fullname)
    if _PACKED_KEYWORDS in jobs.options and _PACKED_KEYWORDS in keywords:
        return None
    declared = get_proper_type(_node_type(node))
    if declared is None:
        return None
    context = _context_keyword(declared, keywords)
    if context is not None:
        message = messages.context_keyword(name_expr.value, context, scheduler)
        api.fail(message, name_expr, code=errorcodes.TASK_RESERVED_KEYWORD)
        return None
    signature = _after_context(declared)
    return None if signature is None else NamedJob(name_expr.value, signature)


def _registered(api: TypeChecker, jobs: JobNames) -> _Registered:
    found: dict[str, list[SymbolNode | None]] = {}
    unreadable: list[str] = []
    for setting in jobs.settings:
        module_name, _, name = setting.partition(":")
        _depend_on(api, f"{module_name}.{name}")
        module = api.modules.get(module_name)
        if module is None:
            unreadable.append(f'module "{module_name}" is not part of this check')
            continue
        _mark_for_the_daemon(api, module)
        listed = function_list(module.path, name, jobs.library)
        if listed.unreadable is not None:
            unreadable.append(listed.unreadable)
        for entry in listed.entries:
            job = _registered_job(api, module, entry)
            if job is None:
                spelt = entry.reference if entry.call is None else f"{entry.call}({entry.reference!r}, ...)"
                unreadable.append(f'"{spelt}" in "{name}" cannot be resolved')
            else:
                found.setdefault(job[0], []).append(job[1])
    return _Registered(found, unreadable)


def _registered_job(api: TypeChecker, module: MypyFile, entry: Entry) -> tuple[str, SymbolNode | None] | None:
    """The job name an entry registers and its function; None when its name cannot be told."""
    if entry.call is not None:
        call = _lookup(api, module.names, entry.call)
        if call is None or call.fullname not in _REGISTERING:
            return None
    node = (
        _fully_qualified(api, entry.reference)
        if entry.by_import
        else _lookup(api, module.names, entry.reference)
    )
    if entry.job_name is not None:
        return entry.job_name, node if _is_function(node) else None
    if node is None or not _is_function(node):
        return None
    qualname = _qualname(api, node.fullname)
    return None if qualname is None else (entry.prefix + qualname, node)


def _lookup(api: TypeChecker, names: SymbolTable, dotted: str) -> SymbolNode | None:
    """A name as spelt in a module (``tasks.send_email``), followed through modules and classes."""
    table: SymbolTable | None = names
    node: SymbolNode | None = None
    for part in dotted.split("."):
        symbol = None if table is None else table.get(part)
        if symbol is None and isinstance(node, MypyFile):
            # A submodule its package does not import itself (``arq.worker``).
            node = api.modules.get(f"{node.fullname}.{part}")
        else:
            node = None if symbol is None else symbol.node
        table = node.names if isinstance(node, MypyFile | TypeInfo) else None
    return node


def _fully_qualified(api: TypeChecker, fullname: str) -> SymbolNode | None:
    module, _, rest = fullname.partition(".")
    while rest:
        tree = api.modules.get(module)
        if tree is not None and rest in tree.names:
            return _lookup(api, tree.names, rest)
        head, _, rest = rest.partition(".")
        module = f"{module}.{head}"
    return None


def _is_function(node: SymbolNode | None) -> bool:
    return isinstance(node, FuncDef | Decorator | OverloadedFuncDef | Var)


def _qualname(api: TypeChecker, fullname: str) -> str | None:
    """A function's ``__qualname__``: its full name after its module's."""
    module = fullname
    while "." in module:
        module = module.rpartition(".")[0]
        if module in api.modules:
            return fullname[len(module) + 1 :]
    return None


def _node_type(node: SymbolNode) -> Type | None:
    if isinstance(node, Decorator):
        return node.var.type
    if isinstance(node, FuncDef | OverloadedFuncDef | Var):
        return node.type
    return None


def _context_keyword(signature: ProperType, keywords: list[str | None]) -> str | None:
    """The name of the parameter taking the worker's context, when the call gives it as a keyword too:
    the worker passes the context positionally, and the job fails with "multiple values" (a positional-only
    context leaves the name to ``**kwargs``)."""
    items = signature.items if isinstance(signature, Overloaded) else [signature]
    for item in items:
        if isinstance(item, CallableType) and item.arg_kinds and item.arg_kinds[0] in (ARG_POS, ARG_OPT):
            name = item.arg_names[0]
            if name is not None and name in keywords:
                return name
    return None


def _after_context(signature: ProperType) -> ProperType | None:
    """The signature without its first parameter, which takes the worker's context; None if none takes it."""
    if isinstance(signature, CallableType):
        if not signature.arg_kinds or signature.arg_kinds[0] not in (ARG_POS, ARG_OPT, ARG_STAR):
            return None
        if signature.arg_kinds[0] == ARG_STAR:
            return signature
        return without_first_parameter(signature)
    if isinstance(signature, Overloaded):
        items = [_after_context(item) for item in signature.items]
        if all(isinstance(item, CallableType) for item in items):
            return Overloaded([item for item in items if isinstance(item, CallableType)])
    return None


def _report_unknown(
    api: TypeChecker, name_expr: StrExpr, jobs: JobNames, registered: _Registered, scheduler: str
) -> None:
    settings = ", ".join(setting.replace(":", ".") for setting in jobs.settings)
    if registered.unreadable:
        reason = "; ".join(registered.unreadable)
        message = messages.job_not_told(name_expr.value, settings, reason)
        api.note(message, name_expr, code=errorcodes.TASK_UNKNOWN_JOB)
        return
    nearest = difflib.get_close_matches(name_expr.value, sorted(registered.jobs), n=1)
    message = messages.unknown_job(scheduler, name_expr.value, settings, nearest[0] if nearest else None)
    api.fail(message, name_expr, code=errorcodes.TASK_UNKNOWN_JOB)


def _mark_for_the_daemon(api: TypeChecker, module: MypyFile) -> None:
    """Have the daemon check the calling code again whenever it analyses the worker module again.

    An edit of the function list may leave every type of the worker module as it was: nothing the daemon
    compares would change. A name added here to the module's symbol table (never exported nor written to
    the cache) is missing from the table the daemon builds anew, and that difference sets the calling
    code to be checked again, which adds the name back.
    """
    if not api.options.fine_grained_incremental:
        return
    if _DAEMON_MARKER not in module.names:
        marker = Var(_DAEMON_MARKER, AnyType(TypeOfAny.special_form))
        marker._fullname = f"{module.fullname}.{_DAEMON_MARKER}"
        module.names[_DAEMON_MARKER] = SymbolTableNode(GDEF, marker, module_public=False, no_serialize=True)
    _depend_on(api, f"{module.fullname}.{_DAEMON_MARKER}")


def _depend_on(api: TypeChecker, fullname: str) -> None:
    """Have the daemon check the calling code again when ``fullname`` changes (mypy's fine-grained deps)."""
    # The daemon's targets are a module's top level and its outermost functions (a method counts as one).
    functions = [
        item for item in api.scope.stack if isinstance(item, FuncItem) and not isinstance(item, LambdaExpr)
    ]
    target = functions[0].fullname if functions else api.tree.fullname
    api.tree.plugin_deps.setdefault(make_trigger(fullname), set()).add(target)
