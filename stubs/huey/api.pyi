import datetime
import types
from collections.abc import Callable, Generator, Iterable
from typing import Any, Generic, Literal, ParamSpec, Self, TypeVar, overload, type_check_only

from _typeshed import Incomplete
from huey.exceptions import (
    RETRYING_EXCEPTIONS as RETRYING_EXCEPTIONS,
)
from huey.exceptions import (
    CancelExecution as CancelExecution,
)
from huey.exceptions import (
    ConfigurationError as ConfigurationError,
)
from huey.exceptions import (
    RateLimitExceeded as RateLimitExceeded,
)
from huey.exceptions import (
    ResultTimeout as ResultTimeout,
)
from huey.exceptions import (
    RetryTask as RetryTask,
)
from huey.exceptions import (
    TaskException as TaskException,
)
from huey.exceptions import (
    TaskLockedException as TaskLockedException,
)
from huey.exceptions import (
    TaskTimeout as TaskTimeout,
)

_P = ParamSpec("_P")
_R = TypeVar("_R")

logger: Incomplete

class Huey:
    storage_class: Incomplete
    name: Incomplete
    results: Incomplete
    store_none: Incomplete
    store_intermediate_errors: Incomplete
    utc: Incomplete
    immediate_use_memory: Incomplete
    serializer: Incomplete
    storage_kwargs: Incomplete
    storage: Incomplete
    task_wrapper_class: Incomplete
    def __init__(
        self,
        name: str = "huey",
        results: bool = True,
        store_none: bool = False,
        utc: bool = True,
        immediate: bool = False,
        serializer=None,
        compression: bool = False,
        use_zlib: bool = False,
        immediate_use_memory: bool = True,
        storage_class=None,
        store_intermediate_errors: bool = True,
        **storage_kwargs,
    ) -> None: ...
    def get_task_wrapper_class(self): ...
    def create_storage(self): ...
    def get_immediate_storage(self): ...
    def get_storage(self, **kwargs): ...
    @property
    def immediate(self): ...
    @immediate.setter
    def immediate(self, value) -> None: ...
    def create_consumer(self, **options): ...
    @overload
    def task(
        self,
        retries: int = 0,
        retry_delay: float = 0,
        retry_backoff: float = 0,
        priority: int | None = None,
        context: Literal[False] = False,
        name: str | None = None,
        expires: float | datetime.timedelta | datetime.datetime | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[_P, _R]], TaskWrapper[_P, _R]]: ...
    @overload
    def task(
        self,
        retries: int = 0,
        retry_delay: float = 0,
        retry_backoff: float = 0,
        priority: int | None = None,
        *,
        context: bool,
        name: str | None = None,
        expires: float | datetime.timedelta | datetime.datetime | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[_P, _R]], _ContextTaskWrapper[_P, _R]]: ...
    @overload
    def periodic_task(
        self,
        validate_datetime: Callable[[datetime.datetime], bool],
        retries: int = 0,
        retry_delay: float = 0,
        retry_backoff: float = 0,
        priority: int | None = None,
        context: Literal[False] = False,
        name: str | None = None,
        expires: float | datetime.timedelta | datetime.datetime | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[_P, _R]], TaskWrapper[_P, _R]]: ...
    @overload
    def periodic_task(
        self,
        validate_datetime: Callable[[datetime.datetime], bool],
        retries: int = 0,
        retry_delay: float = 0,
        retry_backoff: float = 0,
        priority: int | None = None,
        *,
        context: bool,
        name: str | None = None,
        expires: float | datetime.timedelta | datetime.datetime | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> Callable[[Callable[_P, _R]], _ContextTaskWrapper[_P, _R]]: ...
    def context_task(self, obj, as_argument: bool = False, **kwargs): ...
    def pre_execute(self, name=None): ...
    def unregister_pre_execute(self, name): ...
    def post_execute(self, name=None): ...
    def unregister_post_execute(self, name): ...
    def on_startup(self, name=None): ...
    def unregister_on_startup(self, name): ...
    def on_shutdown(self, name=None): ...
    def unregister_on_shutdown(self, name=None): ...
    def notify_interrupted_tasks(self) -> None: ...
    def signal(self, *signals): ...
    def disconnect_signal(self, receiver, *signals) -> None: ...
    def serialize_task(self, task): ...
    def deserialize_task(self, data): ...
    # A Result for a task, a ResultGroup for a group, None when the instance stores no results.
    def enqueue(self, task: Task | group | chord) -> Any: ...
    def dequeue(self): ...
    def put(self, key, data): ...
    def put_result(self, key, data): ...
    def put_if_empty(self, key, data, ttl=None): ...
    def get_raw(self, key, peek: bool = False): ...
    def get(self, key, peek: bool = False): ...
    def delete(self, key): ...
    def execute(self, task, timestamp=None): ...
    def build_error_result(self, task, exception): ...
    def revoke_all(self, task_class, revoke_until=None, revoke_once: bool = False) -> None: ...
    def restore_all(self, task_class): ...
    def revoke(self, task, revoke_until=None, revoke_once: bool = False) -> None: ...
    def restore(self, task): ...
    def revoke_by_id(self, id, revoke_until=None, revoke_once: bool = False): ...
    def restore_by_id(self, id): ...
    def is_revoked(self, task, timestamp=None, peek: bool = True): ...
    def add_schedule(self, task) -> None: ...
    def read_schedule(self, timestamp=None): ...
    def read_periodic(self, timestamp): ...
    def ready_to_run(self, task, timestamp=None): ...
    def pending(self, limit=None): ...
    def pending_count(self): ...
    def scheduled(self, limit=None): ...
    def scheduled_count(self): ...
    def all_results(self): ...
    def result_count(self): ...
    def __bool__(self) -> bool: ...
    def __len__(self) -> int: ...
    def flush(self) -> None: ...
    def lock_task(self, lock_name, ttl=None): ...
    def is_locked(self, lock_name): ...
    def flush_locks(self, *names): ...
    def rate_limit(self, name, limit, per, retry: bool = True): ...
    def result(
        self,
        id,
        blocking: bool = False,
        timeout=None,
        backoff: float = 1.15,
        max_delay: float = 1.0,
        revoke_on_timeout: bool = False,
        preserve: bool = False,
    ): ...

class Task:
    default_expires: Incomplete
    default_priority: Incomplete
    default_retries: int
    default_retry_delay: int
    default_retry_backoff: int
    default_timeout: Incomplete
    name: Incomplete
    args: Incomplete
    kwargs: Incomplete
    id: Incomplete
    revoke_id: Incomplete
    eta: Incomplete
    retries: Incomplete
    retry_delay: Incomplete
    retry_backoff: Incomplete
    priority: Incomplete
    expires: Incomplete
    expires_resolved: Incomplete
    timeout: Incomplete
    chord_config: Incomplete
    on_complete: Incomplete
    on_error: Incomplete
    def __init__(
        self,
        args=None,
        kwargs=None,
        id=None,
        eta=None,
        retries=None,
        retry_delay=None,
        priority=None,
        expires=None,
        on_complete=None,
        on_error=None,
        expires_resolved=None,
        timeout=None,
        chord_config=None,
        retry_backoff=None,
    ) -> None: ...
    @property
    def data(self): ...
    def __hash__(self): ...
    def create_id(self): ...
    def resolve_expires(self, utc: bool = True): ...
    @property
    def time_remaining(self): ...
    @property
    def is_timed_out(self): ...
    def check_timeout(self) -> None: ...
    def extend_data(self, data) -> None: ...
    def then(self, task: TaskWrapper[..., Any] | Task, *args: Any, **kwargs: Any) -> Self: ...
    def error(self, task: TaskWrapper[..., Any] | Task, *args: Any, **kwargs: Any) -> Self: ...
    def execute(self) -> None: ...
    def __eq__(self, rhs): ...

class PeriodicTask(Task):
    def validate_datetime(self, timestamp): ...

class TaskWrapper(Generic[_P, _R]):
    task_base: type[Task]
    huey: Huey
    func: Callable[_P, _R]
    context: bool
    name: str | None
    settings: dict[str, Any]
    task_class: type[Task]
    def __init__(
        self,
        huey: Huey,
        func: Callable[_P, _R],
        context: bool = False,
        name: str | None = None,
        task_base: type[Task] | None = None,
        **settings: Any,
    ) -> None: ...
    @property
    def retries(self) -> int: ...
    @property
    def retry_delay(self) -> float: ...
    def unregister(self) -> bool: ...
    def create_task(
        self, func: Callable[..., object], context: bool = False, name: str | None = None, **settings: Any
    ) -> type[Task]: ...
    def is_revoked(self, timestamp: datetime.datetime | None = None, peek: bool = True) -> bool: ...
    def revoke(self, revoke_until: datetime.datetime | None = None, revoke_once: bool = False) -> None: ...
    def restore(self) -> bool: ...
    # `args` may instead be the delay (seconds, a timedelta) or the eta (a datetime) when neither is given.
    def schedule(
        self,
        args: Iterable[Any] | float | datetime.timedelta | datetime.datetime | None = None,
        kwargs: dict[str, Any] | None = None,
        eta: datetime.datetime | None = None,
        delay: float | datetime.timedelta | None = None,
        priority: int | None = None,
        retries: int | None = None,
        retry_delay: float | None = None,
        retry_backoff: float | None = None,
        expires: float | datetime.timedelta | datetime.datetime | None = None,
        timeout: float | None = None,
        id: str | None = None,
    ) -> Result | Any: ...
    def map(self, it: Iterable[Any]) -> ResultGroup | None: ...
    # The task's arguments, and huey's own keywords (eta, delay, id, priority, retries, retry_delay,
    # retry_backoff, expires, timeout) taken out of them: bgtyped's mypy plugin checks the rest against
    # `func`.
    # The result: a Result, or None when the Huey instance stores no results.
    def __call__(self, *args: Any, **kwargs: Any) -> Result | Any: ...
    def call_local(self, *args: _P.args, **kwargs: _P.kwargs) -> _R: ...
    def s(self, *args: Any, **kwargs: Any) -> Task: ...

# What `task(context=True)` makes: the worker passes the running Task to the function as `task=`.
@type_check_only
class _ContextTaskWrapper(TaskWrapper[_P, _R]): ...

class TaskLock:
    def __init__(self, huey, name, ttl=None) -> None: ...
    def is_locked(self): ...
    locked = is_locked
    def __call__(self, fn): ...
    def __enter__(self): ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: types.TracebackType | None,
    ) -> None: ...
    def acquire(self): ...
    def clear(self): ...
    release = clear

class RateLimit:
    def __init__(self, huey, name, limit, per, retry: bool = True) -> None: ...
    def reset(self) -> None: ...
    def acquire(self) -> None: ...
    def current_usage(self): ...
    def __call__(self, fn): ...
    def __enter__(self) -> None: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: types.TracebackType | None,
    ) -> None: ...

class group:
    tasks: Incomplete
    def __init__(self, tasks) -> None: ...
    def then(self, task, *args, **kwargs): ...
    def error(self, *args, **kwargs): ...

class chord:
    tasks: Incomplete
    callback: Incomplete
    def __init__(self, tasks, callback) -> None: ...
    def then(self, task, *args, **kwargs): ...
    def error(self, task, *args, **kwargs): ...

class Result:
    huey: Incomplete
    task: Incomplete
    revoke_id: Incomplete
    def __init__(self, huey, task) -> None: ...
    @property
    def id(self): ...
    def __call__(self, *args, **kwargs): ...
    def is_ready(self): ...
    def get_raw_result(
        self,
        blocking: bool = False,
        timeout=None,
        backoff: float = 1.15,
        max_delay: float = 1.0,
        revoke_on_timeout: bool = False,
        preserve: bool = False,
    ): ...
    def get(
        self,
        blocking: bool = False,
        timeout: float | None = None,
        backoff: float = 1.15,
        max_delay: float = 1.0,
        revoke_on_timeout: bool = False,
        preserve: bool = False,
    ) -> Any: ...
    def is_revoked(self): ...
    def revoke(self, revoke_once: bool = True) -> None: ...
    def restore(self): ...
    def reschedule(
        self, eta=None, delay=None, expires=None, priority=None, preserve_pipeline: bool = True
    ): ...
    def reset(self) -> None: ...

class ResultGroup:
    def __init__(self, results) -> None: ...
    def get(self, *args, **kwargs): ...
    __call__ = get
    def __getitem__(self, idx): ...
    def __iter__(self): ...
    def __len__(self) -> int: ...
    def as_completed(self, backoff: float = 1.15, max_delay: float = 1.0) -> Generator[Incomplete]: ...

class ChordResult:
    results: Incomplete
    callback: Incomplete
    pipeline_results: Incomplete
    def __init__(self, results, callback_result, pipeline=None) -> None: ...
    def get(self, *args, **kwargs): ...
    __call__ = get
    def reset(self) -> None: ...

dash_re: Incomplete
every_re: Incomplete

def crontab(
    minute: str = "*",
    hour: str = "*",
    day: str = "*",
    month: str = "*",
    day_of_week: str = "*",
    strict: bool = False,
) -> Callable[[datetime.datetime], bool]: ...

class BlackHoleHuey(Huey):
    storage_class: Incomplete

class MemoryHuey(Huey):
    storage_class: Incomplete

class SqliteHuey(Huey):
    storage_class: Incomplete

class CySqliteHuey(Huey):
    storage_class: Incomplete

class PostgresHuey(Huey):
    storage_class: Incomplete

class RedisHuey(Huey):
    storage_class: Incomplete

class RedisExpireHuey(RedisHuey):
    storage_class: Incomplete

class PriorityRedisHuey(RedisHuey):
    storage_class: Incomplete

class PriorityRedisExpireHuey(RedisHuey):
    storage_class: Incomplete

class FileHuey(Huey):
    storage_class: Incomplete
