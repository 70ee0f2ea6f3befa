"""The application's routes as the security tests see them (built once, no request)."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import IntegerConverter

from portal import create_app
from portal.config import TestConfig

DUMMY = {"int": 999_999, "default": "lien-inexistant", "string": "lien-inexistant"}


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: tuple[str, ...]
    arguments: tuple[tuple[str, str], ...]  # (name, converter)

    @property
    def has_object_id(self) -> bool:
        return any(conv == "int" for _, conv in self.arguments)

    def dummy_kwargs(self) -> dict:
        return {name: DUMMY.get(conv, DUMMY["default"]) for name, conv in self.arguments}

    def __str__(self) -> str:
        return f"{self.endpoint}"


def _converter_name(converter) -> str:
    return "int" if isinstance(converter, IntegerConverter) else "string"


def collect_routes() -> list[Route]:
    app = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    routes = []
    for rule in app.url_map.iter_rules():
        methods = tuple(sorted(m for m in rule.methods if m not in {"HEAD", "OPTIONS"}))
        arguments = tuple((name, _converter_name(conv)) for name, conv in rule._converters.items())
        routes.append(Route(rule.endpoint, rule.rule, methods, arguments))
    return sorted(routes, key=lambda r: r.endpoint)


ROUTES = collect_routes()
ROUTES_WITHOUT_STATIC = [r for r in ROUTES if r.endpoint != "static"]
