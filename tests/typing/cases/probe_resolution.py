# Classes live in `bgtyped._tasks` at runtime and in `bgtyped` itself in the stubs: the revealed names tell
# which of the two a checker read.
from typing import reveal_type

import bgtyped
import bgtyped.fastapi


def job() -> None: ...


reveal_type(bgtyped.BackgroundTask(job))
reveal_type(bgtyped.fastapi.request_tasks)
