from _typeshed import Incomplete
from huey.api import (
    BlackHoleHuey as BlackHoleHuey,
)
from huey.api import (
    CySqliteHuey as CySqliteHuey,
)
from huey.api import (
    FileHuey as FileHuey,
)
from huey.api import (
    Huey as Huey,
)
from huey.api import (
    MemoryHuey as MemoryHuey,
)
from huey.api import (
    PostgresHuey as PostgresHuey,
)
from huey.api import (
    PriorityRedisExpireHuey as PriorityRedisExpireHuey,
)
from huey.api import (
    PriorityRedisHuey as PriorityRedisHuey,
)
from huey.api import (
    RedisExpireHuey as RedisExpireHuey,
)
from huey.api import (
    RedisHuey as RedisHuey,
)
from huey.api import (
    SqliteHuey as SqliteHuey,
)
from huey.api import (
    chord as chord,
)
from huey.api import (
    crontab as crontab,
)
from huey.api import (
    group as group,
)
from huey.exceptions import CancelExecution as CancelExecution
from huey.exceptions import RetryTask as RetryTask

__author__: str
__license__: str
__version__: str

# Defined in huey.utils, which these stubs leave to the runtime package.
Error: Incomplete
SKIPPED: Incomplete
