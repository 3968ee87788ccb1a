"""Work that outlives a request: a refresh (ingest what is new, then measure every journey) or
the measure of one period, run one at a time on a worker thread while pages stay served.

A job is read by polling (``/jobs/ID``, which htmx does every second) until it is ``done`` or
``failed``; its steps say where it is.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from parcours.data.workspace import Workspace
from parcours.errors import ParcoursError
from parcours.refresh import ingest_and_segment
from parcours.snapshot import ALL, take_snapshots

State = Literal["queued", "running", "done", "failed"]


@dataclass
class Job:
    """One refresh or period measure: its state, the steps done so far, and its error."""

    id: int
    kind: str
    period: str
    journeys: tuple[str, ...]
    state: State = "queued"
    steps: list[str] = field(default_factory=list)
    error: str = ""
    started: datetime | None = None
    finished: datetime | None = None

    @property
    def total(self) -> int:
        """The steps the job will take: the ingest (a refresh), then one per journey."""
        return len(self.journeys) + (self.kind == "refresh")


class Jobs:
    """The app's jobs, run one after the other on one worker thread (the workspace's
    database takes one writer)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parcours-job")
        #: held while a job writes the workspace's database
        self.busy = threading.Lock()

    def refresh(self, journeys: tuple[str, ...]) -> Job:
        """Ingest what is new, then measure ``journeys`` over all the data."""
        return self._start("refresh", ALL, journeys)

    def measure(self, journey: str, period: str) -> Job:
        """Measure one journey over ``period`` (a month ``YYYY-MM``)."""
        return self._start("measure", period, (journey,))

    def get(self, job_id: int) -> Job | None:
        return self._jobs.get(job_id)

    def running(self) -> bool:
        return any(job.state in ("queued", "running") for job in self._jobs.values())

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)

    def _start(self, kind: str, period: str, journeys: tuple[str, ...]) -> Job:
        with self._lock:
            job = Job(next(self._ids), kind, period, journeys)
            self._jobs[job.id] = job
        self._worker.submit(self._run, job)
        return job

    def _run(self, job: Job) -> None:
        with self.busy:
            self._work(job)

    def _work(self, job: Job) -> None:
        job.state, job.started = "running", datetime.now(UTC)
        step: Callable[[str], None] = job.steps.append
        try:
            if job.kind == "refresh":
                step("ingest")
                ingest_and_segment(self.workspace)  # the segments follow the new rows
            take_snapshots(self.workspace, job.journeys, period=job.period, on_journey=step)
        except ParcoursError as error:
            job.error = str(error)
            job.state = "failed"
        except Exception as error:  # a job must end in a state a page can show
            job.error = f"{type(error).__name__}: {error}"
            job.state = "failed"
        else:
            job.state = "done"
        job.finished = datetime.now(UTC)
