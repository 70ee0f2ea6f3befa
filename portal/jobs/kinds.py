"""What a job may do: each area registers its heavy exports here, under a kind name
(``lots.xlsx``), as a function that builds the file. The function runs in the worker, in
a request context made from the job's parameters (its query string) with ``g.user``,
``g.org`` and ``g.role`` set to the job's owner: it reads its filters and goes through
``scoped(...)`` exactly as the view it replaces did.

A kind function takes a ``progress(done, total)`` callback and returns a
:class:`JobOutput`; it raises :class:`JobRefused` with a French message for a refusal
the user should read (the message is stored on the job, so it names no person).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class JobOutput:
    file_name: str
    content_type: str
    data: bytes


class JobRefused(Exception):
    """A refusal in French, shown on the job's page."""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # « Lots (XLSX) », as « Mes exports » lists it
    build: Callable[[Progress], JobOutput]


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, label: str) -> Callable:
    """Register ``build`` as the job kind ``name`` (one per name)."""

    def decorator(build: Callable[[Progress], JobOutput]) -> Callable[[Progress], JobOutput]:
        known = KINDS.get(name)
        if known is not None and (known.build.__module__, known.build.__qualname__) != (
            build.__module__,
            build.__qualname__,
        ):
            raise ValueError(f"job kind {name} is already registered")
        KINDS[name] = JobKind(name, label, build)
        return build

    return decorator


def label_of(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name
