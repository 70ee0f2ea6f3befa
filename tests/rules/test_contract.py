"""The public names other modules rely on (docs/architecture.md §6) exist, with the agreed signatures,
and every public rule states its source in its docstring."""

import importlib
import inspect
from decimal import Decimal

import pytest

CONTRACT = {
    "tariffs": [
        "TariffGrid",
        "Package",
        "QuoteLine",
        "Milestone",
        "CONVENTION_2022",
        "NoTariffForDate",
        "grid_for",
        "lot_package",
        "lot_quote_lines",
        "reserved_market_quote_lines",
        "reserved_market_annual_line",
        "pilotage_line",
        "payment_schedule",
    ],
    "hours": ["TRADES", "HoursCalculation", "insertion_hours", "split_hours", "fte"],
    "deadlines": [
        "reminder_letter_due",
        "reply_deadline",
        "statement_due",
        "missing_statements",
        "convention_period_for",
        "notice_end",
        "add_business_days",
        "CONVENTION_PERIODS",
    ],
    "eligibility": ["CRITERIA", "proof_is_fresh", "eligible_until", "countable_hours"],
    "workflow": [
        "next_status",
        "allowed_actions",
        "TransitionNotAllowed",
        "QuoteStatus",
        "PlacementStatus",
        "StatementStatus",
        "EscalationStatus",
    ],
    "reporting": ["age_band", "exit_category", "dynamic_exit_rate", "ExitCategory"],
    "retention": [
        "RETENTION_YEARS",
        "PersonDates",
        "identity_kept_until",
        "identity_expired",
        "PERSON_FIELDS",
        "anonymise",
        "anonymised_birth_date",
    ],
}

SIGNATURES = {
    ("tariffs", "grid_for"): ["day", "grids"],
    ("tariffs", "lot_package"): ["planned_hours", "grid"],
    ("tariffs", "lot_quote_lines"): ["planned_hours", "award_criterion", "grid"],
    ("tariffs", "reserved_market_quote_lines"): ["sourced_siae", "grid"],
    ("tariffs", "reserved_market_annual_line"): ["grid"],
    ("tariffs", "pilotage_line"): ["year", "grid"],
    ("tariffs", "payment_schedule"): ["total"],
    ("hours", "insertion_hours"): [
        "amount_excl_tax",
        "labour_share",
        "hourly_cost",
        "rate",
        "rounding",
    ],
    ("hours", "split_hours"): ["total", "weights"],
    ("hours", "fte"): ["hours", "divisor"],
    ("deadlines", "statement_due"): ["month", "day_of_month"],
    ("deadlines", "missing_statements"): ["expected", "received", "today", "day_of_month"],
    ("deadlines", "convention_period_for"): ["day", "periods"],
    ("deadlines", "notice_end"): ["given_on"],
    ("deadlines", "add_business_days"): ["day", "n"],
    ("deadlines", "reminder_letter_due"): ["contacts"],
    ("deadlines", "reply_deadline"): ["sent_on"],
    ("eligibility", "proof_is_fresh"): ["proof_date", "on", "max_age_months"],
    ("eligibility", "eligible_until"): ["validated_on", "months"],
    ("eligibility", "countable_hours"): [
        "contract_type",
        "contract_start",
        "month",
        "cdi_cap_months",
    ],
    ("workflow", "next_status"): ["machine", "status", "action"],
    ("workflow", "allowed_actions"): ["machine", "status"],
    ("reporting", "age_band"): ["birth_date", "on"],
    ("retention", "identity_kept_until"): ["dates", "years"],
    ("retention", "identity_expired"): ["dates", "today", "years"],
    ("retention", "anonymise"): ["values", "policy", "reference_dates"],
}

DEFAULTS = {
    ("hours", "insertion_hours", "rounding"): "half_up",
    ("hours", "fte", "divisor"): 1820,
    ("deadlines", "statement_due", "day_of_month"): 10,
    ("eligibility", "proof_is_fresh", "max_age_months"): 3,
    ("eligibility", "eligible_until", "months"): 24,
    ("eligibility", "countable_hours", "cdi_cap_months"): 12,
    ("retention", "identity_kept_until", "years"): 3,
}

SOURCE_MARKERS = (
    "docs/domain.md",
    "docs/architecture.md",
    "convention",
    "annex",
    "CCP",
    "configurable",
    "IAE",
    "GDPR art.",
    "docs/gdpr-record.md",
)


def module(name):
    return importlib.import_module(f"portal.rules.{name}")


@pytest.mark.parametrize(
    ("name", "attribute"), [(m, a) for m, names in CONTRACT.items() for a in names]
)
def test_public_name_exists(name, attribute):
    assert getattr(module(name), attribute) is not None


@pytest.mark.parametrize(("name", "function"), list(SIGNATURES))
def test_signature(name, function):
    parameters = inspect.signature(getattr(module(name), function)).parameters
    assert list(parameters) == SIGNATURES[(name, function)]


@pytest.mark.parametrize(("name", "function", "parameter"), list(DEFAULTS))
def test_default_values(name, function, parameter):
    signature = inspect.signature(getattr(module(name), function))
    assert signature.parameters[parameter].default == DEFAULTS[(name, function, parameter)]


def public_objects():
    for name in CONTRACT:
        mod = module(name)
        for attribute, value in vars(mod).items():
            if attribute.startswith("_") or getattr(value, "__module__", None) != mod.__name__:
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                yield pytest.param(value, id=f"{name}.{attribute}")


def own_doc(obj):
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
    # dataclasses generate "Name(field, …)" when the author wrote nothing
    if not doc or (inspect.isclass(obj) and doc.startswith(f"{obj.__name__}(")):
        return ""
    return doc


@pytest.mark.parametrize("obj", list(public_objects()))
def test_public_rule_has_a_docstring_with_its_source(obj):
    qualname = f"{obj.__module__}.{obj.__qualname__}"
    doc = own_doc(obj)
    assert doc, f"{qualname} has no docstring"
    assert any(marker in doc for marker in SOURCE_MARKERS), f"{qualname}: no source"
    if inspect.isclass(obj):
        for member, value in vars(obj).items():
            target = value.fget if isinstance(value, property) else value
            if not member.startswith("_") and inspect.isfunction(target):
                assert target.__doc__, f"{qualname}.{member} has no docstring"


def test_money_defaults_are_decimals():
    hours = module("hours")
    assert isinstance(hours.DEFAULT_HOURLY_COST, Decimal)
    assert all(isinstance(rate, Decimal) for rate in hours.DEFAULT_RATES.values())
