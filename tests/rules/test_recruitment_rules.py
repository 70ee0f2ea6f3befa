"""CV retention of the pre-recruitment service (rules.recruitment; docs/domain.md §10)."""

from datetime import date

import pytest

from portal.rules.recruitment import DEFAULT_CV_RETENTION_MONTHS, cv_expired, cv_kept_until


@pytest.mark.parametrize(
    ("closed_on", "months", "until"),
    [
        (date(2026, 5, 1), 6, date(2026, 11, 1)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # clamped to the shorter month
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
        (None, 6, None),  # an offer still open keeps its CVs
    ],
)
def test_a_cv_is_kept_until(closed_on, months, until):
    assert cv_kept_until(closed_on, months) == until


def test_a_cv_expires_the_day_after_its_last_day():
    assert DEFAULT_CV_RETENTION_MONTHS == 6
    assert not cv_expired(date(2026, 5, 1), 6, date(2026, 11, 1))
    assert cv_expired(date(2026, 5, 1), 6, date(2026, 11, 2))
    assert not cv_expired(None, 6, date(2099, 1, 1))


def test_a_negative_duration_is_refused():
    with pytest.raises(ValueError):
        cv_kept_until(date(2026, 5, 1), -1)
