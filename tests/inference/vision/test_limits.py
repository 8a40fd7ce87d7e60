"""The shared limits, on a simulated clock: exact, and independent of machine speed."""

from __future__ import annotations

import asyncio
import random

import pytest

from photo_score.inference.budget import Budget, BudgetExceeded, CostEstimator
from photo_score.inference.limits import PrioritySlots, RateLimiter


class SimClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


def max_in_window(times: list[float], period: float) -> int:
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - period:
            j += 1
        best = max(best, i - j + 1)
    return best


def test_rate_limiter_bounds_every_window_as_the_server_sees_it() -> None:
    """Requests reach the server at any point between send and reply (transit jitter);
    whatever that point is, no server-side window may hold more than the rate."""
    clock = SimClock()
    limiter = RateLimiter(10, 60.0, clock=clock, sleep=clock.sleep)
    rng = random.Random(7)
    starts: list[float] = []
    early: list[float] = []  # every request reaches the server at once...
    late: list[float] = []  # ...or only just before its reply

    async def worker() -> None:
        for _ in range(20):
            async with limiter.request():
                starts.append(clock())
                early.append(clock())
                clock.now += rng.uniform(0.1, 5.0)  # transit + model latency
                late.append(clock())
                await asyncio.sleep(0)
            clock.now += rng.uniform(0, 1)

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(5)))

    asyncio.run(main())
    assert len(starts) == 100
    assert max_in_window(early, 60.0) <= 10
    assert max_in_window(late, 60.0) <= 10
    assert max_in_window(starts, 60.0) == 10  # saturated, not over-throttled into idling
    # not over-throttling either: ~10 per (60 s + latency); 100 requests need under 13 min
    assert max(starts) < 13 * 60


def test_priority_slots_serve_the_lowest_priority_first() -> None:
    order: list[int] = []

    async def main() -> None:
        slots = PrioritySlots(1)
        await slots.acquire()

        async def waiter(p: int) -> None:
            async with slots.slot(p):
                order.append(p)

        tasks = [asyncio.create_task(waiter(p)) for p in (5, 1, 3, 1)]
        await asyncio.sleep(0)
        slots.release()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert order == [1, 1, 3, 5]


def test_a_cancelled_waiter_does_not_leak_a_slot() -> None:
    async def main() -> int:
        slots = PrioritySlots(1)
        await slots.acquire()
        waiter = asyncio.create_task(slots.acquire(0))
        await asyncio.sleep(0)
        slots.release()  # hands the slot to the waiter...
        waiter.cancel()  # ...which is cancelled in the same tick
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return slots.free

    assert asyncio.run(main()) == 1


def test_budget_refuses_before_it_would_exceed() -> None:
    budget = Budget(max_cost=0.01)
    held = [budget.reserve(0.003) for _ in range(3)]
    with pytest.raises(BudgetExceeded):
        budget.reserve(0.003)
    for h in held:
        budget.settle(h, 0.002)
    assert budget.spent == pytest.approx(0.006)
    budget.reserve(0.003)  # real costs were lower, so there is room again


def test_estimator_learns_the_highest_cost_seen() -> None:
    est = CostEstimator(prior_usd=0.01)
    assert est.estimate("m", "aesthetic") == 0.01
    est.observe("m", "aesthetic", 0.002)
    est.observe("m", "aesthetic", 0.001)
    assert est.estimate("m", "aesthetic") == pytest.approx(0.0025)
    assert CostEstimator(local=True).estimate("m", "aesthetic") == 0.0
