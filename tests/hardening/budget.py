"""How many examples a property test draws: few in CI, many with the long profile."""

from __future__ import annotations

from hypothesis import settings

# `pytest --hypothesis-profile=long` (registered in tests/conftest.py)
LONG_FACTOR = 50


def examples(count: int) -> settings:
    """``count`` examples in CI, LONG_FACTOR times as many in the long profile."""
    long = settings.get_current_profile_name() == "long"
    return settings(max_examples=count * LONG_FACTOR if long else count)
