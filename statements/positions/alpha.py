"""Krippendorff's alpha: the agreement between coders, beyond what chance would give (docs/codebook.md#agreement).

A pure function of the reliability data, written from Krippendorff's own definition ("Computing Krippendorff's
Alpha-Reliability", 2011): values are paired within each unit into a coincidence matrix, and alpha is one minus the
ratio of the observed disagreement to the disagreement expected by chance, each weighted by the metric's squared
difference. Units coded by fewer than two coders are not pairable and drop out; missing values (None) are allowed.
"""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import permutations

Value = Hashable
# A metric's squared difference between two values, given every pairable value's frequency (the ordinal one uses it).
Metric = Callable[[Value, Value, Counter], float]


def nominal(c: Value, k: Value, frequencies: Counter) -> float:
    """Categories: two values agree or they do not."""
    return 0.0 if c == k else 1.0


def interval(c: Value, k: Value, frequencies: Counter) -> float:
    """Equal steps: a difference of two counts four times a difference of one."""
    return float((c - k) ** 2)


def ratio(c: Value, k: Value, frequencies: Counter) -> float:
    """Differences relative to the values' size, from an absolute zero."""
    return 0.0 if c == k else float(((c - k) / (c + k)) ** 2)


def ordinal(c: Value, k: Value, frequencies: Counter) -> float:
    """Ranks only: the distance is how many pairable values lie between the two (half of the ends counted)."""
    low, high = sorted((c, k))
    between = sum(count for value, count in frequencies.items() if low <= value <= high)
    return float((between - (frequencies[low] + frequencies[high]) / 2) ** 2)


@dataclass(frozen=True)
class Alpha:
    """Alpha over some reliability data, with what it rests on: `units` coded by two coders or more, holding `values`
    pairable values. `value` is None when alpha is not defined: no pairable values, or no variation at all (every
    value the same, so the data cannot tell agreement from chance)."""

    value: float | None
    units: int
    values: int


def krippendorff_alpha(units: Iterable[Sequence[Value | None]], metric: Metric = nominal) -> Alpha:
    """Alpha for reliability data given unit by unit: each unit the values its coders gave, None where one gave none."""
    coincidences: Counter = Counter()
    pairable_units = 0
    for unit in units:
        present = [value for value in unit if value is not None]
        if len(present) < 2:
            continue
        pairable_units += 1
        weight = 1 / (len(present) - 1)
        for c, k in permutations(present, 2):
            coincidences[c, k] += weight
    frequencies: Counter = Counter()
    for (c, _k), count in coincidences.items():
        frequencies[c] += count
    n = sum(frequencies.values())
    if not pairable_units:
        return Alpha(None, 0, 0)
    observed = sum(count * metric(c, k, frequencies) for (c, k), count in coincidences.items())
    expected = sum(
        frequencies[c] * frequencies[k] * metric(c, k, frequencies) for c in frequencies for k in frequencies
    )
    values = round(n)
    if expected == 0:
        return Alpha(None, pairable_units, values)
    return Alpha(1 - (n - 1) * observed / expected, pairable_units, values)
