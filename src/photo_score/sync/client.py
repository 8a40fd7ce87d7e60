"""One sync round: push the outbox, then pull everything after the cursor (DESIGN §7).

Every step is idempotent and resumable. The outbox entry of an image is removed only after
the server answered for it, so a push that dies before the answer is sent again and the
server answers ``unchanged`` (same version: no duplicate, no new sequence number). Pulled
pages are merged and the cursor moved in one SQLite transaction, so a crash mid-pull
re-reads at most one page.

Clock skew. A device's result is stamped with its own clock (``scored_at``) and the server
keeps the newer one. So that a device whose clock runs behind cannot lose an edit made
*after* it saw the server's version, a change queued after this device learned the
server's ``scored_at`` for that image is pushed with at least that time plus 1 ms (a Lamport
step): causally later edits always win; truly concurrent edits are ordered by their clocks
(ties: the server), and the losing device adopts the server's copy — both converge. The
server clamps times in the future to its own clock, so a fast clock cannot pin a record.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from photo_score.models import AnalysisResult, PhotoMetadata
from photo_score.storage.cache import Cache, PendingPush, PulledRecord, SyncAck
from photo_score.sync.session import CloudClient, CloudError

log = logging.getLogger(__name__)

BATCH = 1000  # the server's limit per push
PAGE = 1000
PARALLEL = 3  # push batches in flight
_LAMPORT_STEP = timedelta(milliseconds=1)


@dataclass
class SyncReport:
    pushed: int = 0  # applied on the server
    unchanged: int = 0  # the server already had exactly this version
    conflicts: int = 0  # the server kept its own (newer) copy, now merged here
    pulled: int = 0  # records received
    merged: int = 0  # results written to this device's cache
    cursor: int = 0
    elapsed_s: float = 0.0


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_time(value: str) -> datetime:
    return _aware(datetime.fromisoformat(value))


def push_time(pending: PendingPush, created_at: datetime) -> datetime:
    """The ``scored_at`` to send: the result's time, stepped past the server version this
    device had already seen when the change was made (see the module docstring)."""
    scored = _aware(created_at)
    if (
        pending.known_scored_at is not None
        and pending.known_mark is not None
        and pending.upto > pending.known_mark
    ):
        known = parse_time(pending.known_scored_at)
        if scored <= known:
            scored = known + _LAMPORT_STEP
    return scored


def record_json(pending: PendingPush, *, share_location: bool) -> str | None:
    """The push record of a queued image as JSON (None when there is nothing to push).

    SQLite built the record from the stored payload; only ``scored_at`` (the clock-skew
    rule) and the location flag are added here, so nothing is parsed or re-encoded.
    """
    if pending.record_json is None or pending.created_at is None:
        return None
    if pending.known_scored_at is None:
        scored = parse_time(pending.created_at).isoformat()
    else:
        scored = push_time(pending, parse_time(pending.created_at)).isoformat()
    flag = "true" if share_location else "false"
    return f'{pending.record_json[:-1]},"scored_at":"{scored}","share_location":{flag}}}'


def from_server(row: dict[str, Any]) -> PulledRecord | None:
    """A server record as a cache row; None when it cannot be one (logged, skipped)."""
    if not row.get("analyzer") or not row.get("scored_at"):
        return None
    try:
        result = AnalysisResult.model_validate(
            {
                **(row.get("analysis") or {}),
                "image_id": row["image_id"],
                "analyzer": row["analyzer"],
                "model": row["model"] or "",
                "version": row["version"] or "",
                "attributes": row["attributes"],
                "created_at": row["scored_at"],
            }
        )
        metadata = PhotoMetadata.model_validate(row["metadata"]) if row.get("metadata") else None
    except ValidationError as exc:
        log.warning("skipping pulled record %s: %s", row.get("image_id"), exc)
        return None
    return PulledRecord(result, metadata, str(row["scored_at"]), int(row["seq"]))


@dataclass
class _Batch:
    acks: list[SyncAck] = field(default_factory=list)
    by_id: dict[str, PendingPush] = field(default_factory=dict)
    future: Future[Any] | None = None


class SyncClient:
    def __init__(
        self,
        cache: Cache,
        cloud: CloudClient,
        *,
        share_location: bool = False,
        batch_size: int = BATCH,
        page_size: int = PAGE,
        parallel: int = PARALLEL,
    ) -> None:
        self.cache = cache
        self.cloud = cloud
        self.share_location = share_location
        self.batch_size = batch_size
        self.page_size = page_size
        self.parallel = max(1, parallel)

    def sync(self) -> SyncReport:
        """Push, then pull. Raises CloudError (state keeps the error; retry later)."""
        started = time.perf_counter()
        session = self.cloud.require_session()
        namespace = session.namespace
        if self.cache.sync_active() != namespace:
            self.cache.sync_set_active(namespace)
        state = self.cache.sync_state(namespace, session.server_url, session.user_id)
        report = SyncReport(cursor=state.cursor)
        try:
            self.push(namespace, report)
            self.pull(namespace, report)
        except CloudError as exc:
            self.cache.sync_finished(namespace, str(exc))
            raise
        self.cache.sync_finished(namespace, None)
        report.elapsed_s = time.perf_counter() - started
        return report

    def push(self, namespace: str, report: SyncReport) -> None:
        """Send the outbox in batches until it is empty, ``parallel`` batches in flight (the
        server serialises one user's writes; the overlap hides parsing and the network).
        Answers are applied in order; a failure leaves the unanswered entries queued."""
        after = 0
        in_flight: deque[_Batch] = deque()
        with ThreadPoolExecutor(self.parallel, thread_name_prefix="sync-push") as pool:
            try:
                while True:
                    pending = self.cache.sync_pending(
                        namespace, self.batch_size, after=after, share_location=self.share_location
                    )
                    if pending:
                        after = max(item.upto for item in pending)
                        in_flight.append(self._send_batch(pool, pending))
                    if in_flight and (not pending or len(in_flight) >= self.parallel):
                        self._settle(namespace, report, in_flight.popleft())
                    elif not pending:
                        return
            finally:
                for batch in in_flight:
                    if batch.future is not None:
                        batch.future.cancel()

    def _send_batch(self, pool: ThreadPoolExecutor, pending: list[PendingPush]) -> _Batch:
        batch = _Batch()
        records: list[str] = []
        for item in pending:
            share = self.share_location
            record = None if item.pulled else record_json(item, share_location=share)
            if record is None:
                batch.acks.append(SyncAck(item.image_id, item.upto))  # nothing of ours to send
                continue
            batch.by_id[item.image_id] = item
            records.append(record)
        if records:
            body = '{"records":[' + ",".join(records) + "]}"
            batch.future = pool.submit(
                self.cloud.json,
                "POST",
                "/sync/attributes",
                content=body.encode(),
                headers={"content-type": "application/json"},
            )
        return batch

    def _settle(self, namespace: str, report: SyncReport, batch: _Batch) -> None:
        acks = batch.acks
        conflicts: list[PulledRecord] = []
        if batch.future is not None:
            body = batch.future.result()
            for outcome in body["results"]:
                item = batch.by_id[outcome["image_id"]]
                status = outcome["status"]
                if status in ("applied", "unchanged"):
                    report.pushed += status == "applied"
                    report.unchanged += status == "unchanged"
                    acks.append(
                        SyncAck(item.image_id, item.upto, outcome["scored_at"], outcome["seq"])
                    )
                    continue
                report.conflicts += 1  # the merge below remembers the server's version
                acks.append(SyncAck(item.image_id, item.upto))
                server = from_server(outcome["server"])
                if server is not None:
                    conflicts.append(server)
        self.cache.sync_acknowledge(namespace, acks)
        if conflicts:
            report.merged += self.cache.sync_merge(namespace, conflicts)

    def pull(self, namespace: str, report: SyncReport) -> None:
        """Fetch and merge every page after ``report.cursor``."""
        while True:
            page = self.cloud.json(
                "GET", "/sync/attributes", params={"since": report.cursor, "limit": self.page_size}
            )
            rows = page["records"]
            records = [r for r in (from_server(row) for row in rows) if r is not None]
            report.pulled += len(rows)
            report.merged += self.cache.sync_merge(namespace, records, cursor=page["next_since"])
            report.cursor = int(page["next_since"])
            if not page["has_more"] or not rows:
                return


def pending_count(cache: Cache, namespace: str) -> int:
    return cache.sync_pending_count(namespace)
