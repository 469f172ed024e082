from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler

class BackgroundScheduler(BlockingScheduler):
    def start(self, *args: Any, **kwargs: Any) -> None: ...
    def shutdown(self, *args: Any, **kwargs: Any) -> None: ...
