"""Imports that run in a background thread so the page can show a progress bar.

Jobs live in memory in this process (a dict guarded by a lock, keyed by uuid): enough for the
embedded single-process server. A scaled-out deployment would hand the same function to a worker.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import close_old_connections

from . import importing
from .resources import ResourceSpec

KEEP_SECONDS = 3600


@dataclass
class ImportJob:
    """What the progress page polls: phase, rows so far, and the outcome once finished."""

    id: str
    slug: str
    user_id: int
    filename: str
    dry_run: bool
    phase: str = "queued"  # queued → validate → write → done | failed
    validated: int = 0
    written: int = 0
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    outcome: dict[str, Any] | None = None
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_jobs: dict[str, ImportJob] = {}
_lock = threading.Lock()


def get(job_id: str, user_id: int) -> ImportJob | None:
    """A copy of one job, only for the user who started it."""
    with _lock:
        job = _jobs.get(job_id)
        return None if job is None or job.user_id != user_id else ImportJob(**job.as_dict())


def _update(job_id: str, **changes: Any) -> None:
    with _lock:
        job = _jobs[job_id]
        for name, value in changes.items():
            setattr(job, name, value)


def _prune() -> None:
    cutoff = time.time() - KEEP_SECONDS
    with _lock:
        for job_id in [k for k, j in _jobs.items() if j.finished_at and j.finished_at < cutoff]:
            del _jobs[job_id]


def start(spec: ResourceSpec, path: str, filename: str, *, actor: Any, dry_run: bool, valid_rows_only: bool,
          crs: str) -> str:
    """Start importing a saved upload in a thread; the file at `path` is deleted when the job ends."""
    _prune()
    job = ImportJob(id=str(uuid.uuid4()), slug=spec.slug, user_id=actor.pk, filename=filename, dry_run=dry_run)
    with _lock:
        _jobs[job.id] = job

    def progress(phase: str, n: int) -> None:
        _update(job.id, phase=phase, **({"validated": n} if phase == "validate" else {"written": n}))

    def run() -> None:
        try:
            with open(path, "rb") as upload:
                outcome = importing.import_file(spec, upload, filename, actor=actor, dry_run=dry_run,
                                                valid_rows_only=valid_rows_only, crs=crs, progress=progress)
            _update(job.id, phase="done", outcome=asdict(outcome), finished_at=time.time())
        except Exception as exc:  # noqa: BLE001 - a thread has no caller to raise to; the page shows the reason
            _update(job.id, phase="failed", error=f"导入失败：{exc}", finished_at=time.time())
            raise
        finally:
            os.unlink(path)
            close_old_connections()

    threading.Thread(target=run, name=f"import-{job.id[:8]}", daemon=True).start()
    return job.id
