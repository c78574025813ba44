"""bench/load_http.py gives a share of the baseline only when the baseline runs before and after the service agree."""

import pytest

from bench.load_http import baseline_rps


@pytest.mark.parametrize(("before", "after", "expected"), [
    (5_700.0, 6_000.0, 5_850.0),  # 5% apart: the mean
    (6_000.0, 5_400.0, 5_700.0),  # exactly 10% of the larger: still agrees
    (1_894.0, 5_800.0, None),  # a cold first run: no ratio rather than a flattering one
    (5_800.0, 2_000.0, None),
    (0.0, 0.0, None),
])
def test_the_baseline_is_the_mean_of_two_runs_that_agree_within_ten_percent(
        before: float, after: float, expected: float | None) -> None:
    assert baseline_rps(before, after) == expected
