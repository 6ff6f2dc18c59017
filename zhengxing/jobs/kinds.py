"""The kinds of job and what each does: every app whose long work runs as a job registers its
kind here (`kind_register`, from its AppConfig.ready), so this floor calls up through the hook
and never imports the apps above it. The roster's kinds are this app's own (`roster.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zhengxing.core.actor import Actor
from zhengxing.orgs.models import County, Org

from .board import Reporter
from .models import Job


@dataclass(frozen=True)
class Outcome:
    """What a job leaves: a one-line summary in Chinese, figures for the page and the API, and
    optionally a file to download (its name and bytes)."""

    summary: str
    result: dict[str, Any] = field(default_factory=dict)
    file: tuple[str, bytes] | None = None


class JobFailed(Exception):
    """The job's work was refused, nothing written: the message in Chinese for the person, and
    `result` for details (an import's table of problems)."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


@dataclass(frozen=True)
class Kind:
    """`authorize(actor, county, org, params)` refuses (ServiceError, PermissionDenied) what the
    actor may not start, when it is started and again when it runs; `run(job, actor, report)`
    does the work, all of it in one transaction, calling `report(done, total)` as it goes."""

    code: str
    authorize: Callable[[Actor, County, Org | None, dict[str, Any]], None]
    run: Callable[[Job, Actor, Reporter], Outcome]
    # jobs of one lane never overlap in a county (the index jobs_one_active_per_lane)
    lane: str = ""
    # whether the file it leaves needs the password entered again to download (personal data)
    sensitive_file: bool = False
    # where the job's page leads on: (label, url) of the page it was started from, if any
    follow: Callable[[Job], tuple[str, str]] | None = None


KINDS: dict[str, Kind] = {}


def kind_register(kind: Kind) -> None:
    KINDS[kind.code] = kind
