"""Look-ups per postcode district per day, for insight: counted in memory by each web process, written by a job.

Only districts the council serves (its profile's areas) are counted, so made-up districts cost nothing: any
parsable district would be about 260,000 possible keys, each a row. Counting never writes: a request only adds
to this process's counter, and `flush` (run by a background job, alerts/services/postcode_lookups.py) writes at
most `MAX_KEYS_PER_FLUSH` keys a time, leaving the rest for the next flush. A process that stops loses the counts
it had not written (under a minute's), never a postcode: only the district is kept.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from alerts.data.insight import Metric, bump, today
from alerts.profile import council

# More than any council's districts on one day (a unitary county has about 30): a flush stays one small transaction.
MAX_KEYS_PER_FLUSH = 500

_counts: Counter[tuple[dt.date, str]] = Counter()
_lock = threading.Lock()


def count(district: str) -> bool:
    """Count one look-up in `district` in memory; False, counting nothing, for a district the council does not
    serve."""
    if district not in council().districts:
        return False
    with _lock:
        _counts[(today(), district)] += 1
    return True


def flush(max_keys: int = MAX_KEYS_PER_FLUSH) -> int:
    """Write up to `max_keys` of the counts held in memory; returns how many keys it wrote. The caller commits."""
    with _lock:
        taken = [(key, _counts.pop(key)) for key in list(_counts)[:max_keys]]
    for (day, district), number in taken:
        bump(Metric.POSTCODE_LOOKUP, district, number, day)
    return len(taken)


def waiting() -> int:
    """Keys counted in memory and not yet written."""
    with _lock:
        return len(_counts)


def clear() -> None:
    """Forget the counts held in memory (tests: they outlive each test's database)."""
    with _lock:
        _counts.clear()
