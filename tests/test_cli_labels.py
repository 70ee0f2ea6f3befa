"""The demo's summary line speaks French for every count it prints."""

from portal.cli import LABELS
from portal.demo import COUNTS
from portal.french import plural


def test_every_demo_count_has_a_french_label():
    assert set(COUNTS) <= set(LABELS)


def test_the_labels_agree_with_the_count():
    assert plural(1, *LABELS["reports"]) == "bilan"
    assert plural(2, *LABELS["statements"]) == "relevés d'heures"
