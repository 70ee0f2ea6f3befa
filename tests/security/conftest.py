from __future__ import annotations

import pytest

from tests.personas import build_world
from tests.security.registry import load_all_cases

load_all_cases()


@pytest.fixture
def world(app):
    return build_world()
