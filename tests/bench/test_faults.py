"""The fault suite in its bounded form (`python -m bench.faults --quick`): a burst, kill -9 with redelivery,
Redis stopped and frozen under load, hostile requests and `forget me`, all against a real `oars serve`.

Correctness counts must be zero; ack latency is printed, not asserted (a timing target belongs to
`make faults` on a quiet machine, not to a test on a shared one)."""

from __future__ import annotations

from bench.faults import run, table


async def test_nothing_lost_doubled_falsely_refused_or_left_behind() -> None:
    rows = await run(quick=True)
    print(table(rows))
    for row in rows:
        assert (row.false_errors, row.lost, row.doubled, row.keys_left or 0) == (0, 0, 0, 0), "\n" + table(rows)
