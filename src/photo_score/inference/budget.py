"""Spending: per-call cost estimates and a budget that refuses work before it overspends.

Every billable attempt first reserves its estimate; the reply's real cost replaces the
reservation. Because ``spent + reserved`` never passes ``max_cost``, a run stops *before*
exceeding the cap (as long as a call costs no more than its estimate, which is why the
estimate is the largest cost seen for that model and task, plus a margin).
"""

from __future__ import annotations

from dataclasses import dataclass

from photo_score.errors import RunStoppedError

# A deliberately high guess for one call before any reply has shown the real price: a
# ~1.5k-px image plus prompt on a mid-priced vision model is typically $0.0005-0.002.
DEFAULT_CALL_COST_USD = 0.003
_MARGIN = 1.25


class BudgetExceeded(RunStoppedError):
    """The next call could take the run past ``--max-cost``; nothing was sent."""


class CostEstimator:
    """Per (model, task) estimate: the prior until a reply shows the real price."""

    def __init__(self, prior_usd: float = DEFAULT_CALL_COST_USD, *, local: bool = False) -> None:
        self.prior_usd = prior_usd
        self.local = local
        self._seen: dict[tuple[str, str], float] = {}

    def estimate(self, model: str, task: str) -> float:
        if self.local:
            return 0.0
        seen = self._seen.get((model, task))
        return self.prior_usd if seen is None else seen * _MARGIN

    def observe(self, model: str, task: str, cost_usd: float) -> None:
        key = (model, task)
        self._seen[key] = max(cost_usd, self._seen.get(key, 0.0))


@dataclass
class Budget:
    """Spent and reserved dollars of one run; ``max_cost=None`` means no cap."""

    max_cost: float | None = None
    spent: float = 0.0
    reserved: float = 0.0

    def reserve(self, amount: float) -> float:
        if self.max_cost is not None and self.spent + self.reserved + amount > self.max_cost:
            raise BudgetExceeded(
                f"stopped before exceeding --max-cost ${self.max_cost:.4f} "
                f"(spent ${self.spent:.4f}, next call est. ${amount:.4f})"
            )
        self.reserved += amount
        return amount

    def settle(self, reserved: float, actual: float) -> None:
        self.reserved = max(0.0, self.reserved - reserved)
        self.spent += actual

    def would_fit(self, amount: float) -> bool:
        return self.max_cost is None or self.spent + self.reserved + amount <= self.max_cost
