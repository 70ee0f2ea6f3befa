"""The filters of a list page, declared once (docs/architecture.md §5: same URL, two renderings).

A list view names its filters — query-string key, French label, kind, choices — in a
:class:`FilterSet` at module level, reads them with :meth:`FilterSet.read`, and gets:

- the typed values for its query (``filters.parsed["annee"]`` is an ``int`` or None);
- the filters as strings, a mapping, for the filter form and the links that must keep
  them (pagination, exports: ``filters.query_args()``);
- the filter form itself, drawn by ``templates/_layout/filters.html``'s ``list_filters``
  from ``filters.fields()``;
- its page of results (``filters.paginate(stmt)``).

Reading never fails: a value that is not one of the choices, not a number made of ASCII
digits (« ² » and other Unicode digits included, :mod:`portal.web.params`), out of range
or not a date is dropped, and the list is not filtered on that criterion. The names of the
dropped values are in ``filters.refused`` for the pages that say so (the audit's dates).
Ids are kept only when they are among the choices, which the view computes from what the
user may see: a filter never reveals another organisation's object.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from flask import request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from portal.web.pagination import paginate
from portal.web.params import parse_int

Pairs = Sequence[tuple[object, str]]
Choices = Pairs | Callable[[], Iterable[tuple[object, str]]]
KINDS = ("text", "choice", "id", "year", "date")
YEARS = (2000, 2100)  # a plausible year (default, configurable here)


@dataclass(frozen=True)
class Filter:
    """One filter of a list page.

    ``kind``: ``text`` (a search, trimmed, at most ``max_length`` characters), ``choice``
    (one of ``choices``), ``id`` (an ASCII integer, one of ``choices`` when given),
    ``year`` (2000–2100; ``choices`` only offer years in the form), ``date`` (ISO
    ``2026-11-25``, what a date input sends). ``choices`` are ``(value, label)`` pairs, or a
    function giving them, called at most once per request (scoped queries need the
    request's user). ``all_label`` is the option meaning « no filter » (None: the select
    has none and ``default`` applies). A select with fewer than ``min_options`` options is
    not shown (a buyer who sees only itself gets no buyer filter).
    """

    name: str
    label: str
    kind: str = "choice"
    choices: Choices = ()
    all_label: str | None = None
    default: str | Callable[[], str] = ""
    min_options: int = 0
    max_length: int = 100

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown filter kind {self.kind!r} (one of {', '.join(KINDS)})")

    def default_value(self) -> str:
        return self.default() if callable(self.default) else self.default


@dataclass(frozen=True)
class FilterField:
    """What the filter form draws for one filter (see ``list_filters``)."""

    name: str
    label: str
    kind: str
    value: str
    options: list[tuple[str, str]]
    all_label: str | None
    is_select: bool
    shown: bool


class FilterSet:
    """The filters of one list page, in the order of its filter form."""

    def __init__(self, *filters: Filter):
        names = [f.name for f in filters]
        if len(set(names)) != len(names):
            raise ValueError(f"a filter name appears twice: {names}")
        self.filters = filters

    def read(
        self, args: Mapping[str, str] | None = None, *, choices: Mapping[str, Pairs] | None = None
    ) -> Filters:
        """The filters of the request's query string (or of ``args``); ``choices`` gives
        the options of some filters when the view has them already (from a query it makes
        anyway), in place of those declared."""
        return Filters(self, request.args if args is None else args, choices or {})


class Filters(Mapping[str, str]):
    """The filters of one request: a mapping of name to string as the form and the links
    carry it, with the typed values in :attr:`parsed` and the names of the values dropped
    in :attr:`refused`."""

    def __init__(self, spec: FilterSet, args: Mapping[str, str], choices: Mapping[str, Pairs]):
        self.spec = spec
        self.parsed: dict[str, object] = {}
        self._text: dict[str, str] = {}
        self._options = {name: _strings(pairs) for name, pairs in choices.items()}
        refused = set()
        for filter_ in spec.filters:
            raw = (args.get(filter_.name) or "").strip()
            text, value = self._parse(filter_, raw)
            if raw and not text:
                refused.add(filter_.name)
            if not text and filter_.default:
                text, value = self._parse(filter_, filter_.default_value())
            self._text[filter_.name] = text
            self.parsed[filter_.name] = value
        self.refused = frozenset(refused)

    # --- parsing -----------------------------------------------------------------------

    def options(self, name: str) -> list[tuple[str, str]]:
        """The ``(value, label)`` options of a filter, as strings (computed once)."""
        if name not in self._options:
            spec = self._spec(name)
            pairs = spec.choices() if callable(spec.choices) else spec.choices
            self._options[name] = _strings(pairs)
        return self._options[name]

    def _has_choices(self, spec: Filter) -> bool:
        return bool(spec.choices) or spec.name in self._options

    def _allowed(self, spec: Filter, text: str) -> bool:
        return any(value == text for value, _label in self.options(spec.name))

    def _parse(self, spec: Filter, raw: str) -> tuple[str, object]:
        """``(text, value)`` of a raw entry; ``("", None)`` when it is refused."""
        if not raw:
            return "", None
        if spec.kind == "text":
            text = raw[: spec.max_length]
            return text, text
        if spec.kind == "choice":
            return (raw, raw) if self._allowed(spec, raw) else ("", None)
        if spec.kind == "date":
            day = parse_iso_date(raw)
            return (day.isoformat(), day) if day else ("", None)
        if spec.kind == "year":
            number = parse_int(raw, minimum=YEARS[0], maximum=YEARS[1])
        else:
            number = parse_int(raw, minimum=1)
            if (
                number is not None
                and self._has_choices(spec)
                and not self._allowed(spec, str(number))
            ):
                number = None
        return (str(number), number) if number is not None else ("", None)

    def _spec(self, name: str) -> Filter:
        for spec in self.spec.filters:
            if spec.name == name:
                return spec
        raise KeyError(name)

    # --- the mapping: strings, for forms and links ---------------------------------------

    def __getitem__(self, name: str) -> str:
        return self._text[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._text)

    def __len__(self) -> int:
        return len(self._text)

    def query_args(self) -> dict[str, str]:
        """Only the filters with a value, for links (pagination, exports)."""
        return {name: text for name, text in self._text.items() if text}

    @property
    def in_use(self) -> bool:
        """True when a filter narrows the list (a value other than its default): an empty
        list then offers to clear the filters."""
        return any(
            self._text[spec.name] != self._parse(spec, spec.default_value())[0]
            for spec in self.spec.filters
        )

    def fields(self) -> list[FilterField]:
        """What the filter form draws, in order."""
        drawn = []
        for spec in self.spec.filters:
            select = spec.kind in ("choice", "id") or (
                spec.kind == "year" and self._has_choices(spec)
            )
            options = self.options(spec.name) if select else []
            drawn.append(
                FilterField(
                    name=spec.name,
                    label=spec.label,
                    kind=spec.kind,
                    value=self._text[spec.name],
                    options=options,
                    all_label=spec.all_label,
                    is_select=select,
                    shown=not select or len(options) >= spec.min_options,
                )
            )
        return drawn

    def paginate(self, stmt: Select) -> Pagination:
        """One page of ``stmt`` (page number from the query string, size from settings)."""
        return paginate(stmt)


def _strings(pairs: Iterable[tuple[object, str]]) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in pairs]


ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def parse_iso_date(text: str) -> date | None:
    """``2026-11-25`` (what a date input sends, ASCII digits only) as a date, else None."""
    match = ISO_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def pairs(objects: Iterable, label: str = "name") -> list[tuple[object, str]]:
    """``(id, name)`` options of model objects (organisations…)."""
    return [(obj.id, getattr(obj, label)) for obj in objects]
