"""The wording of every message the plugin writes (its error codes are in `errorcodes`).

Imported by the first mistake reported: a run that finds none never loads it.
"""

from __future__ import annotations


def quoted(name: str) -> str:
    """A target's name as mypy quotes it: ``"send"`` or ``"send" of "Mailer"``."""
    return f'"{name}"'.replace(" of ", '" of "')


def callee_name(task: str, scheduler: str) -> str:
    """The callee name given to mypy: its messages quote it as ``"task" scheduled by "scheduler"``."""
    return f'{task}" scheduled by "{scheduler}'


def overload_name(task: str, scheduler: str) -> str:
    """The name given to each overload of a task.

    mypy prints an overload's signature under its name's first word, so the quotes that `callee_name`
    relies on only work where the name already reads ``method of Class``.
    """
    if " of " in task:
        return callee_name(task, scheduler)
    return f"{task} scheduled by {scheduler}"


def call_result(scheduler: str, what: str, fix: str | None) -> str:
    message = f'"{scheduler}" is given {what}, not a function to call later'
    if fix is not None:
        return f"{message}; pass the function and its arguments: {fix}"
    return f"{message}; pass the function and its arguments instead"


def call_result_of(kind: str, called: str) -> str:
    return f'the result of calling "{called}" ({kind})'


def not_callable(scheduler: str, type_text: str) -> str:
    return f'"{scheduler}" needs a callable to schedule, got {type_text}'


def partly_callable(scheduler: str, type_text: str, others: str) -> str:
    return f'"{scheduler}" needs a callable to schedule, got {type_text}, which may be {others}: not callable'


def never_awaited(scheduler: str, task: str, type_text: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" is not an async function but returns {type_text}: '
        "it runs in a thread and the awaitable is never awaited; schedule the async function itself"
    )


def never_awaited_by(scheduler: str, task: str, type_text: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" returns {type_text}, which "{scheduler}" never awaits: '
        "the task does not run; schedule a sync function, or start an event loop in it"
    )


def not_async(scheduler: str, task: str, type_text: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" returns {type_text}, but "{scheduler}" runs only '
        "async functions and raises TypeError for it; schedule an async function"
    )


def string_args(scheduler: str, parameter: str, text: str | None) -> str:
    fix = f"({text},)" if text is not None else "(value,)"
    return (
        f'Argument "{parameter}" to "{scheduler}" is a string, so each of its characters becomes an '
        f"argument; a tuple of one item needs a trailing comma: {fix}"
    )


def reserved_keyword(scheduler: str, keyword: str, alternative: str | None) -> str:
    message = (
        f'Task keyword "{keyword}" collides with the "{keyword}" parameter of "{scheduler}" and fails at '
        "run time"
    )
    if alternative is None:
        return message
    return f"{message}; {alternative} passes it to the task"


def bound_by_partial(task: str, scheduler: str, keyword: str) -> str:
    return (
        f'Argument "{keyword}" to {quoted(task)} scheduled by "{scheduler}" is already given positionally '
        "by functools.partial; passing it again fails at run time"
    )


def fastapi_injection(parameter: str, route: str, subclass: str | None) -> str:
    """``subclass``: a project's own subclass of Starlette's class; None for bgtyped's."""
    if subclass is None:
        return (
            f'Parameter "{parameter}" of route "{route}" is annotated with bgtyped.BackgroundTasks, '
            "but FastAPI injects its own BackgroundTasks there; annotate it with bgtyped.fastapi.Tasks"
        )
    return (
        f'Parameter "{parameter}" of route "{route}" is annotated with "{subclass}", but FastAPI injects its '
        f'own BackgroundTasks into any subclass of Starlette\'s, so what "{subclass}" adds is lost; annotate '
        f'it with fastapi.BackgroundTasks, or provide "{subclass}" through a dependency'
    )


def context_keyword(job: str, keyword: str, scheduler: str | None = None) -> str:
    scheduled = f'the job scheduled by "{scheduler}"' if scheduler else "the job"
    return (
        f'Task keyword "{keyword}" collides with the parameter of "{job}" that the worker fills with its '
        f"context: {scheduled} fails at run time"
    )


def option_keyword(scheduler: str, keyword: str, task: str, alternative: str | None) -> str:
    message = (
        f'Keyword "{keyword}" is an option of "{scheduler}", which takes it for itself: {quoted(task)} never '
        "receives it"
    )
    if alternative is None:
        return message
    return f"{message}; {alternative} passes it to the task"


def passed_option(
    scheduler: str, alternative: str, keyword: str, task: str, received: bool, fix: str | None
) -> str:
    """``received``: the task takes any keyword (``**kwargs``), so the option arrives there, and runs."""
    outcome = (
        "through its **kwargs, as an argument, and the option never takes effect"
        if received
        else "as an argument, which it does not take: TypeError"
    )
    how = fix if fix is not None else f"{alternative}(args=(...), kwargs={{...}}, {keyword}=...)"
    return (
        f'Keyword "{keyword}" is an option of "{alternative}", but "{scheduler}" passes it to {quoted(task)} '
        f"{outcome}; give it to {alternative}: {how}"
    )


def ignored_by_immutable(scheduler: str, maker: str, task: str) -> str:
    return (
        f'Arguments given to "{scheduler}" of a signature made by "{maker}" are ignored: an immutable '
        f'signature calls {quoted(task)} with its own arguments only; give them to "{maker}", or make the '
        'signature with "s"'
    )


def dropped_by_packed(scheduler: str, task: str, keyword: str | None, packed: tuple[str, str]) -> str:
    what = "Positional argument" if keyword is None else f'Argument "{keyword}"'
    slot = packed[0] if keyword is None else packed[1]
    return (
        f'{what} to {quoted(task)} scheduled by "{scheduler}" is dropped: with {packed[0]}= or {packed[1]}= '
        f'given, "{scheduler}" passes the task only those; put it in {slot}='
    )


def result_callback(scheduler: str, parameter: str, callback: str | None, task: str, result: str) -> str:
    given = "The callback" if callback is None else f'Callback "{callback}"'
    return (
        f'{given} given as "{parameter}" to "{scheduler}" cannot take {result}, which {quoted(task)} returns'
    )


def keyword_not_passed(scheduler: str, task: str, keyword: str, fix: str) -> str:
    return (
        f'Argument "{keyword}" to {quoted(task)} scheduled by "{scheduler}" is a keyword, but "{scheduler}" '
        f"passes the task positional arguments only and raises TypeError; bind it first: {fix}"
    )


def keywords_unpacked(scheduler: str, task: str, value: str | None, fix: str) -> str:
    given = "The unpacked mapping" if value is None else f'"**{value}"'
    return (
        f'{given} gives {quoted(task)} scheduled by "{scheduler}" keywords, but "{scheduler}" passes the '
        f"task positional arguments only and raises TypeError; bind them first: {fix}"
    )


def unpacked_keywords_fix(target: str | None, bound: str | None) -> str:
    """``functools.partial(sample, **opts)``; ``bound``: what the partial binds, if it can be spelled."""
    return f"functools.partial({target or '<the scheduled function>'}, {bound or '**...'})"


def keyword_fix(target: str | None, keyword: str, value: str | None) -> str:
    """``functools.partial(read, timeout=3)``; for a target too complex to spell, the words for it."""
    if target is None:
        return f"functools.partial(<the scheduled function>, {keyword}={value or '...'})"
    return f"functools.partial({target}, {keyword}={value or '...'})"


def awaited_in_thread(scheduler: str, task: str, type_text: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" is not an async function but returns {type_text}: '
        "bgtyped runs it in a thread, then awaits the awaitable, which costs a thread per task, and "
        "Starlette's and FastAPI's own classes never await it; schedule the async function itself"
    )


def requote_overload_name(message: str, name: str) -> str:
    """mypy's message with an overloaded task quoted like the others: ``"fmt" scheduled by "Thread"``."""
    task, separator, scheduler = name.rpartition(" scheduled by ")
    if not separator or '"' in name:
        return message
    return message.replace(f'"{name}"', f'{quoted(task)} scheduled by "{scheduler}"')


def target_positional_only(scheduler: str, parameter: str, fix: str | None) -> str:
    message = (
        f'"{parameter}" of "{scheduler}" is positional-only: pass the function to schedule first, '
        f'without "{parameter}="'
    )
    return message if fix is None else f"{message}: {fix}"


def dropped_positionals(scheduler: str, task: str, count: int, fix: str | None) -> str:
    what = "Positional argument" if count == 1 else "Positional arguments"
    verb = "is" if count == 1 else "are"
    message = (
        f'{what} to {quoted(task)} scheduled by "{scheduler}" {verb} dropped: "{scheduler}" passes the task '
        "its keyword arguments only"
    )
    pronoun = "it" if count == 1 else "them"
    return message if fix is None else f"{message}; pass {pronoun} by name: {fix}"


def resolved_future(scheduler: str) -> str:
    return (
        f'"{scheduler}" passes the task the value of a future or reference among its arguments, not the '
        "future or reference itself: the task's parameter is checked against that value"
    )


def arg_and_args(scheduler: str, arg: str, args: str) -> str:
    return (
        f'"{scheduler}" is given both {arg} and {args}=, and raises ValueError; pass the one argument alone, '
        f"or every argument in {args}=[...]"
    )


def required_option(scheduler: str, options: list[str]) -> str:
    either = " nor ".join(options)
    return (
        f'"{scheduler}" is given neither {either}, and raises ValueError when it schedules the task; '
        f"give {' or '.join(options)}"
    )


def undecorated(scheduler: str, task: str, decorator: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" has no decorator, and "{scheduler}" raises TypeError '
        f"for a function without @{decorator}; decorate it with @{decorator}"
    )


def unknown_job(scheduler: str, job: str, settings: str, nearest: str | None) -> str:
    message = f'No job named "{job}" in {settings}: "{scheduler}" enqueues a job no worker runs'
    return message if nearest is None else f'{message}; did you mean "{nearest}"?'


def job_not_told(job: str, settings: str, reason: str) -> str:
    return f'Job "{job}" is not checked: the function list of {settings} cannot be read ({reason})'


def misspelt_option(scheduler: str, keyword: str, task: str, option: str, library: str) -> str:
    return (
        f'Unexpected keyword argument "{keyword}" for {quoted(task)} scheduled by "{scheduler}": it reaches '
        f'the job, which does not take it; {library}\'s option is "{option}"'
    )


def supplied_keyword_given(scheduler: str, task: str, keyword: str) -> str:
    return (
        f'Argument "{keyword}" to {quoted(task)} scheduled by "{scheduler}" is never received: the worker '
        f"passes {quoted(task)} its own {keyword}=; leave it out"
    )


def supplied_keyword_refused(scheduler: str, task: str, keyword: str) -> str:
    return (
        f'{quoted(task)} scheduled by "{scheduler}" takes no keyword "{keyword}", which the worker passes it '
        f'and fails with TypeError; add a "{keyword}" parameter'
    )


def dropped_forwarded(scheduler: str, keyword: str | None, selector: str, built: str) -> str:
    return (
        f'Argument "{keyword}" to "{scheduler}" is dropped: "{scheduler}" passes its extra keywords only to '
        f'a {selector} it builds from a name, and "{selector}" is one already built ({built}); pass it to '
        f"{built}(...)"
    )
