"""Lab runs started from the page: computed in the background, one at a time, kept for a while.

A run started from the dashboard may take seconds to minutes (a sweep spawns a process per
core), so the page starts it here and polls its progress. Runs go one after another on a
single background thread, so visitors cannot make the server compute many at once; the newest
`KEEP` runs are kept in memory (a run is a scenario and its numbers, never personal data).
Each run is named by a random id, so one visitor's runs are not listed to another.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from statevisa.errors import InputError, NotFoundError, Problem, StatevisaError, problem
from statevisa.services.lab import Report, Run, execute

KEEP = 20
MAX_POINTS = 200
"""The most points a run started from the page may have (`statevisa lab run` has no such limit)."""


@dataclass
class Job:
    """One run: its progress while it computes, then its report or its problems."""

    id: str
    run: Run
    text: str
    total: int
    done: int = 0
    state: str = "queued"
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Jobs:
    """The runs of this server, computed one at a time on a background thread."""

    def __init__(self) -> None:
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statevisa-lab")

    def start(self, run: Run, text: str) -> Job:
        if len(run.points) > MAX_POINTS:
            raise InputError(
                problem(
                    "too-many-points",
                    f"{len(run.points):,} points is more than a page runs ({MAX_POINTS}): "
                    "use `statevisa lab run` (locally, or on Dask with --scheduler)",
                    field="sweeps",
                )
            )
        job = Job(secrets.token_urlsafe(9), run, text, len(run.points))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        self._worker.submit(self._compute, job)
        return job

    def _compute(self, job: Job) -> None:
        job.state = "running"

        def advance(done: int, total: int) -> None:
            job.done = done

        try:
            job.report = execute(job.run, progress=advance)
            job.state = "done"
        except StatevisaError as error:
            job.problems, job.state = list(error.problems), "failed"
        except Exception as error:  # a run that breaks must say so on its page, not hang "running"
            job.problems = [problem("run-failed", f"the run failed: {type(error).__name__}: {error}")]
            job.state = "failed"

    def get(self, job_id: str) -> Job:
        with self._lock:
            found = self._jobs.get(job_id)
        if found is None:
            raise NotFoundError(
                problem("not-found", "no such run (runs are kept for a while only)", field="run")
            )
        return found

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
