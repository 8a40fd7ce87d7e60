"""The local SQLite cache: the one path to SQL on the device.

"Inference once, score many": analyzer results are stored by content hash and analyzer
identity, so re-scoring with a new config reads six columns and never calls a model.
The database runs in WAL mode; every write happens inside a transaction, so a process
killed at any moment leaves a consistent cache that the next run resumes from.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from photo_score.errors import CacheError
from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata, utcnow
from photo_score.storage.migrations import migrate

_CHUNK = 500  # host parameters per IN (...) query; SQLite allows 32766 but smaller is faster
_SCAN_ABOVE = 5_000  # past this many ids one table scan beats chunked IN queries
_ATTR_COLUMNS = ", ".join(ATTRIBUTES)
# Vision results beat the local estimate; among equals the newest wins.
_BEST_ORDER = "CASE WHEN analyzer = 'local' THEN 1 ELSE 0 END, created_at DESC"


@dataclass(frozen=True, slots=True)
class AnalyzerKey:
    """Which analyzer produced a result (the cache key minus the image id)."""

    analyzer: str
    model: str
    version: str


@dataclass(frozen=True, slots=True)
class IndexedFile:
    size: int
    mtime_ns: int
    image_id: str


@dataclass(frozen=True, slots=True)
class KnownFailure:
    size: int
    mtime_ns: int
    error: str


@dataclass(frozen=True, slots=True)
class LibraryFolderRow:
    """A folder of the desktop library (a real path, symlinks resolved)."""

    id: int
    path: str
    added_at: str


@dataclass(frozen=True, slots=True)
class AttributeRows:
    """Attributes of many images, ready for the vectorised reducer."""

    image_ids: list[str]
    values: npt.NDArray[np.float64]  # N×6 in ATTRIBUTES order, NaN where missing
    analyzers: list[str]


def _better(row: Sequence[Any], than: Sequence[Any]) -> bool:
    """Rows are (image_id, six attributes, analyzer, created_at); mirrors ``_BEST_ORDER``."""
    local, other_local = bool(row[7] == "local"), bool(than[7] == "local")
    if local != other_local:
        return other_local
    return bool(row[8] > than[8])


def encode_path(path: str) -> bytes:
    return os.fsencode(path)


def decode_path(raw: bytes) -> str:
    return os.fsdecode(raw)


@dataclass(frozen=True, slots=True)
class CaptureFields:
    """The metadata fields burst grouping reads (None when the file did not say)."""

    capture_time: str | None
    camera_serial: str | None
    camera_make: str | None
    camera_model: str | None


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class Cache:
    """A handle on the cache database. Safe to share between threads (one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            migrate(self._conn)
        except sqlite3.DatabaseError as exc:
            raise CacheError(f"cannot open the cache at {path}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; a crash inside leaves none of them applied."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # -- the path index ---------------------------------------------------------------

    def lookup_paths(self, paths: Sequence[str]) -> dict[str, IndexedFile]:
        found: dict[str, IndexedFile] = {}
        for chunk in _chunks([encode_path(p) for p in paths]):
            marks = ",".join("?" * len(chunk))
            for raw, size, mtime_ns, image_id in self._query(
                f"SELECT path, size, mtime_ns, image_id FROM files WHERE path IN ({marks})", chunk
            ):
                found[decode_path(raw)] = IndexedFile(size, mtime_ns, image_id)
        return found

    def lookup_failures(self, paths: Sequence[str]) -> dict[str, KnownFailure]:
        found: dict[str, KnownFailure] = {}
        for chunk in _chunks([encode_path(p) for p in paths]):
            marks = ",".join("?" * len(chunk))
            for raw, size, mtime_ns, error in self._query(
                f"SELECT path, size, mtime_ns, error FROM failures WHERE path IN ({marks})", chunk
            ):
                found[decode_path(raw)] = KnownFailure(size, mtime_ns, error)
        return found

    def indexed_files(self) -> list[tuple[str, str]]:
        """Every indexed (path, image id), in no particular order."""
        rows = self._query("SELECT path, image_id FROM files")
        return [(decode_path(raw), image_id) for raw, image_id in rows]

    # -- writes (call inside transaction() to batch them) ------------------------------

    def record_file(self, path: str, size: int, mtime_ns: int, image_id: str) -> None:
        now = utcnow().isoformat()
        raw = encode_path(path)
        with self._lock:
            self._conn.execute(
                "INSERT INTO files (path, size, mtime_ns, image_id, seen_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(path) DO UPDATE SET size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, image_id = excluded.image_id,"
                " seen_at = excluded.seen_at",
                (raw, size, mtime_ns, image_id, now),
            )
            self._conn.execute("DELETE FROM failures WHERE path = ?", (raw,))

    def record_metadata(self, image_id: str, metadata: PhotoMetadata) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO images (image_id, metadata, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT(image_id) DO UPDATE SET metadata = excluded.metadata",
                (image_id, metadata.model_dump_json(exclude_none=True), utcnow().isoformat()),
            )

    def record_result(self, result: AnalysisResult) -> None:
        attrs = [result.attributes.get(name) for name in ATTRIBUTES]
        with self._lock:
            self._conn.execute(
                f"INSERT OR REPLACE INTO results (image_id, analyzer, model, version,"
                f" {_ATTR_COLUMNS}, confidence, cost_usd, payload, created_at)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    *result.key,
                    *attrs,
                    result.confidence,
                    result.cost_usd,
                    result.model_dump_json(),
                    result.created_at.isoformat(),
                ),
            )

    def record_failure(self, path: str, size: int, mtime_ns: int, error: str) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO failures (path, size, mtime_ns, error, failed_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (encode_path(path), size, mtime_ns, error, utcnow().isoformat()),
            )

    # -- reads --------------------------------------------------------------------------

    def result_ids(self, key: AnalyzerKey) -> set[str]:
        """Images that already have a result from exactly this analyzer version."""
        rows = self._query(
            "SELECT image_id FROM results WHERE analyzer = ? AND model = ? AND version = ?",
            (key.analyzer, key.model, key.version),
        )
        return {row[0] for row in rows}

    def load_attributes(
        self, image_ids: Sequence[str] | None = None, key: AnalyzerKey | None = None
    ) -> AttributeRows:
        """Attributes per image: from ``key`` exactly, or else each image's best result.

        ``image_ids=None`` loads every image that has a result. Images without one are
        left out of the returned rows. Large requests scan the table once instead of
        issuing hundreds of ``IN (...)`` queries; the best result per image is picked in
        Python, which is several times faster than a window function over the table.
        """
        sql = f"SELECT image_id, {_ATTR_COLUMNS}, analyzer, created_at FROM results WHERE 1"
        params: list[Any] = []
        if key is not None:
            sql += " AND analyzer = ? AND model = ? AND version = ?"
            params = [key.analyzer, key.model, key.version]
        rows: list[Any] = []
        if image_ids is None or len(image_ids) > _SCAN_ABOVE:
            rows = self._query(sql, params)
            if image_ids is not None:
                wanted = set(image_ids)
                rows = [row for row in rows if row[0] in wanted]
        else:
            for chunk in _chunks(list(dict.fromkeys(image_ids))):
                marks = ",".join("?" * len(chunk))
                rows.extend(self._query(f"{sql} AND image_id IN ({marks})", [*params, *chunk]))
        best: dict[str, Any] = {}
        for row in rows:
            current = best.get(row[0])
            if current is None or _better(row, current):
                best[row[0]] = row
        picked = list(best.values())
        values = np.array([row[1:7] for row in picked], dtype=np.float64)  # None → NaN
        values = values.reshape(len(picked), len(ATTRIBUTES))
        return AttributeRows([row[0] for row in picked], values, [row[7] for row in picked])

    def get_results(self, image_id: str) -> list[AnalysisResult]:
        """Every stored result for one image, best first."""
        rows = self._query(
            f"SELECT payload FROM results WHERE image_id = ? ORDER BY {_BEST_ORDER}", (image_id,)
        )
        return [AnalysisResult.model_validate_json(row[0]) for row in rows]

    def measurements(
        self, image_ids: Sequence[str], names: Sequence[str]
    ) -> dict[str, tuple[float, ...]]:
        """Some measurements per image, in ``names`` order (NaN where not recorded), from
        its newest result that recorded any of them. SQLite reads them out of the payload:
        nothing else is parsed, so a burst of 10,000 frames costs floats, not results."""
        bad = [n for n in names if not n.isidentifier()]
        if bad or not names:
            raise ValueError(f"not measurement names: {list(names)!r}")
        columns = ", ".join(f"json_extract(payload, ?) AS m{k}" for k in range(len(names)))
        present = " OR ".join(f"m{k} IS NOT NULL" for k in range(len(names)))
        paths = [f"$.measurements.{n}" for n in names]
        out: dict[str, tuple[float, ...]] = {}
        for chunk in _chunks(list(dict.fromkeys(image_ids))):
            marks = ",".join("?" * len(chunk))
            rows = self._query(
                f"SELECT image_id, {columns} FROM results"
                f" WHERE image_id IN ({marks}) AND ({present}) ORDER BY created_at",
                [*paths, *chunk],
            )
            out.update(  # newest last
                (row[0], tuple(math.nan if v is None else float(v) for v in row[1:]))
                for row in rows
            )
        return out

    def get_best_results(
        self, image_ids: Sequence[str], key: AnalyzerKey | None = None
    ) -> dict[str, AnalysisResult]:
        """The result used for scoring, per image (full payload: notes, features…)."""
        out: dict[str, AnalysisResult] = {}
        for chunk in _chunks(list(dict.fromkeys(image_ids))):
            marks = ",".join("?" * len(chunk))
            if key is not None:
                rows = self._query(
                    "SELECT image_id, payload FROM results WHERE analyzer = ? AND model = ?"
                    f" AND version = ? AND image_id IN ({marks})",
                    [key.analyzer, key.model, key.version, *chunk],
                )
            else:
                rows = self._query(
                    f"SELECT image_id, payload FROM (SELECT image_id, payload, ROW_NUMBER() OVER"
                    f" (PARTITION BY image_id ORDER BY {_BEST_ORDER}) AS rank FROM results"
                    f" WHERE image_id IN ({marks})) WHERE rank = 1",
                    chunk,
                )
            for image_id, payload in rows:
                out[image_id] = AnalysisResult.model_validate_json(payload)
        return out

    def get_metadata(self, image_ids: Iterable[str]) -> dict[str, PhotoMetadata]:
        out: dict[str, PhotoMetadata] = {}
        for chunk in _chunks(list(dict.fromkeys(image_ids))):
            marks = ",".join("?" * len(chunk))
            for image_id, raw in self._query(
                f"SELECT image_id, metadata FROM images WHERE image_id IN ({marks})", chunk
            ):
                out[image_id] = PhotoMetadata.model_validate_json(raw)
        return out

    def find_image(self, ref: str) -> str | None:
        """Resolve a path, a full image id or a unique id prefix (≥ 6 characters)."""
        rows = self._query("SELECT image_id FROM files WHERE path = ?", (encode_path(ref),))
        if not rows:
            absolute = os.path.abspath(ref)
            rows = self._query(
                "SELECT image_id FROM files WHERE path = ?", (encode_path(absolute),)
            )
        if rows:
            return str(rows[0][0])
        if len(ref) >= 6 and all(c in "0123456789abcdef" for c in ref.lower()):
            rows = self._query(
                "SELECT DISTINCT image_id FROM results WHERE image_id LIKE ? LIMIT 2",
                (ref.lower() + "%",),
            )
            if len(rows) == 1:
                return str(rows[0][0])
        return None

    def paths_for(self, image_id: str) -> list[str]:
        rows = self._query("SELECT path FROM files WHERE image_id = ? ORDER BY path", (image_id,))
        return [decode_path(row[0]) for row in rows]

    # -- per-task vision replies ----------------------------------------------------------

    def get_call(
        self, image_id: str, task: str, model: str, prompt_version: str
    ) -> dict[str, Any] | None:
        rows = self._query(
            "SELECT response FROM inference_calls WHERE image_id = ? AND task = ?"
            " AND model = ? AND prompt_version = ?",
            (image_id, task, model, prompt_version),
        )
        if not rows:
            return None
        value: dict[str, Any] = json.loads(rows[0][0])
        return value

    def put_call(
        self,
        image_id: str,
        task: str,
        model: str,
        prompt_version: str,
        response: dict[str, Any],
        cost_usd: float,
    ) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO inference_calls"
                " (image_id, task, model, prompt_version, response, cost_usd, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    image_id,
                    task,
                    model,
                    prompt_version,
                    json.dumps(response),
                    cost_usd,
                    utcnow().isoformat(),
                ),
            )

    # -- housekeeping -------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        counts = {
            table: int(self._query(f"SELECT COUNT(*) FROM {table}")[0][0])
            for table in ("files", "images", "results", "inference_calls", "failures")
        }
        by_analyzer = {
            f"{a}:{m}:{v}": int(n)
            for a, m, v, n in self._query(
                "SELECT analyzer, model, version, COUNT(*) FROM results"
                " GROUP BY analyzer, model, version ORDER BY analyzer, model, version"
            )
        }
        cost = float(self._query("SELECT COALESCE(SUM(cost_usd), 0) FROM inference_calls")[0][0])
        size = sum(p.stat().st_size for p in (self.path, Path(f"{self.path}-wal")) if p.exists())
        return {
            "path": str(self.path),
            "size_bytes": size,
            **counts,
            "results_by_analyzer": by_analyzer,
            "vision_cost_usd": round(cost, 6),
        }

    def clear(self) -> None:
        """Forget everything (the schema stays)."""
        with self.transaction():
            for table in ("files", "images", "results", "inference_calls", "failures"):
                self._conn.execute(f"DELETE FROM {table}")
            # Sync starts over: the next round pulls every account's results again.
            for table in ("sync_outbox", "sync_known", "sync_origin"):
                self._conn.execute(f"DELETE FROM {table}")
            self._conn.execute("UPDATE sync_state SET cursor = 0")
        with self._lock:
            self._conn.execute("VACUUM")

    # -- the desktop library (migration 2) -----------------------------------------------

    def library_folders(self) -> list[LibraryFolderRow]:
        """Folders the user added, oldest first."""
        rows = self._query("SELECT id, path, added_at FROM library_folders ORDER BY id")
        return [LibraryFolderRow(int(i), decode_path(raw), added) for i, raw, added in rows]

    def add_library_folder(self, path: str) -> LibraryFolderRow:
        """Add a folder (idempotent: adding it again returns the existing row)."""
        raw = encode_path(path)
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO library_folders (path, added_at) VALUES (?, ?)",
                (raw, utcnow().isoformat()),
            )
            row = self._conn.execute(
                "SELECT id, path, added_at FROM library_folders WHERE path = ?", (raw,)
            ).fetchone()
        return LibraryFolderRow(int(row[0]), decode_path(row[1]), row[2])

    def remove_library_folder(self, folder_id: int) -> bool:
        """Forget a folder (its photos' results stay in the cache); False if unknown."""
        with self._lock:
            cursor = self._conn.execute("DELETE FROM library_folders WHERE id = ?", (folder_id,))
        return cursor.rowcount > 0

    def files_under(self, folders: Sequence[str]) -> list[tuple[str, str]]:
        """Indexed (path, image id) inside any of ``folders`` (absolute, no trailing slash).

        A range scan on the primary key per folder: ``folder/`` ≤ path < ``folder0``.
        """
        seen: dict[str, str] = {}
        for folder in folders:
            low = encode_path(folder.rstrip(os.sep) + os.sep)
            high = low[:-1] + bytes([low[-1] + 1])
            for raw, image_id in self._query(
                "SELECT path, image_id FROM files WHERE path >= ? AND path < ?", (low, high)
            ):
                seen[decode_path(raw)] = image_id
        return list(seen.items())

    def generation(self) -> tuple[int, int]:
        """Changes whenever the cache's content may have changed (any writer, any process).

        ``data_version`` moves when another connection commits, ``total_changes`` when
        this one writes: together a cheap key for caches built on top of this one.
        """
        with self._lock:
            data_version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            return data_version, int(self._conn.total_changes)

    def metadata_json(self, image_ids: Sequence[str]) -> dict[str, str]:
        """Raw metadata JSON per image (for bulk readers that parse only a few fields).

        Large requests scan the table once, like :meth:`load_attributes`.
        """
        if len(image_ids) > _SCAN_ABOVE:
            wanted = set(image_ids)
            rows = self._query("SELECT image_id, metadata FROM images")
            return {image_id: raw for image_id, raw in rows if image_id in wanted}
        out: dict[str, str] = {}
        for chunk in _chunks(list(dict.fromkeys(image_ids))):
            marks = ",".join("?" * len(chunk))
            for image_id, raw in self._query(
                f"SELECT image_id, metadata FROM images WHERE image_id IN ({marks})", chunk
            ):
                out[image_id] = raw
        return out

    def capture_fields(self, image_ids: Sequence[str]) -> dict[str, CaptureFields]:
        """When and with which camera each image was taken (what burst grouping needs),
        for the images whose metadata has a capture time.

        SQLite pulls the four fields out of the metadata JSON, so grouping 100,000 photos
        parses no JSON in Python. Large requests scan the table once.
        """
        select = (
            "SELECT image_id, json_extract(metadata, '$.capture_time') AS t,"
            " json_extract(metadata, '$.camera_serial'), json_extract(metadata, '$.camera_make'),"
            " json_extract(metadata, '$.camera_model') FROM images WHERE t IS NOT NULL"
        )
        if len(image_ids) > _SCAN_ABOVE:
            wanted = set(image_ids)
            rows = [r for r in self._query(select) if r[0] in wanted]
        else:
            rows = []
            for chunk in _chunks(list(dict.fromkeys(image_ids))):
                marks = ",".join("?" * len(chunk))
                rows += self._query(f"{select} AND image_id IN ({marks})", chunk)
        # The JSON was written from PhotoMetadata: each field is a string or null.
        return {r[0]: CaptureFields(r[1], r[2], r[3], r[4]) for r in rows}

    # -- cloud sync (migration 3; used by photo_score.sync) -----------------------------

    def sync_set_active(self, namespace: str | None) -> None:
        """The account changes made from now on are queued for (None: signed out)."""
        with self._lock:
            self._conn.execute("UPDATE sync_active SET namespace = ? WHERE id = 1", (namespace,))

    def sync_active(self) -> str | None:
        rows = self._query("SELECT namespace FROM sync_active WHERE id = 1")
        return rows[0][0] if rows else None

    def sync_state(self, namespace: str, server_url: str, user_id: str) -> SyncStateRow:
        """This account's sync state on this device (created on first use)."""
        with self._lock:
            self._conn.execute(
                "INSERT OR IGNORE INTO sync_state (namespace, server_url, user_id)"
                " VALUES (?, ?, ?)",
                (namespace, server_url, user_id),
            )
            row = self._conn.execute(
                "SELECT cursor, last_sync_at, last_error, last_error_at FROM sync_state"
                " WHERE namespace = ?",
                (namespace,),
            ).fetchone()
        return SyncStateRow(namespace, int(row[0]), row[1], row[2], row[3])

    def sync_finished(self, namespace: str, error: str | None) -> None:
        now = utcnow().isoformat()
        with self._lock:
            if error is None:
                self._conn.execute(
                    "UPDATE sync_state SET last_sync_at = ?, last_error = NULL,"
                    " last_error_at = NULL WHERE namespace = ?",
                    (now, namespace),
                )
            else:
                self._conn.execute(
                    "UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE namespace = ?",
                    (error, now, namespace),
                )

    def sync_pending_count(self, namespace: str) -> int:
        rows = self._query(
            "SELECT COUNT(DISTINCT image_id) FROM sync_outbox"
            " WHERE namespace = ? OR namespace IS NULL",
            (namespace,),
        )
        return int(rows[0][0])

    def sync_pending(
        self, namespace: str, limit: int, *, after: int = 0, share_location: bool = False
    ) -> list[PendingPush]:
        """Queued images for ``namespace`` among the next ``limit`` outbox entries after entry
        ``after``, oldest first, with the result to push: the best one not pulled from
        another account (None: nothing to push).

        Each comes with its push record as JSON built by SQLite (the stored payload minus
        the identity fields, the image's metadata without GPS unless ``share_location``),
        so a push of 100,000 results never parses them in Python.
        """
        # Walk the outbox in id order (its primary key): an image queued again later in the
        # batch is covered up to its newest entry here.
        uptos: dict[str, int] = {}
        for entry_id, image_id in self._query(
            "SELECT id, image_id FROM sync_outbox WHERE (namespace = ? OR namespace IS NULL)"
            " AND id > ? ORDER BY id LIMIT ?",
            (namespace, after, limit),
        ):
            uptos[image_id] = int(entry_id)
        if not uptos:
            return []
        metadata = "json(i.metadata)" if share_location else _METADATA_NO_GPS
        candidates: dict[str, list[tuple[Any, ...]]] = {}
        known: dict[str, tuple[str, int]] = {}
        for chunk in _chunks(list(uptos)):
            marks = ",".join("?" * len(chunk))
            for row in self._query(
                "SELECT r.image_id, r.payload, r.analyzer, r.created_at, o.namespace,"
                " json_object('image_id', r.image_id, 'analyzer', r.analyzer, 'model', r.model,"
                " 'version', r.version, 'attributes', json_extract(r.payload, '$.attributes'),"
                f" 'analysis', {_ANALYSIS}, 'metadata', {metadata})"
                " FROM results r LEFT JOIN sync_origin o ON o.image_id = r.image_id"
                " AND o.analyzer = r.analyzer AND o.model = r.model AND o.version = r.version"
                " LEFT JOIN images i ON i.image_id = r.image_id"
                f" WHERE r.image_id IN ({marks})",
                chunk,
            ):
                candidates.setdefault(row[0], []).append(tuple(row))
            for image_id, scored_at, mark in self._query(
                "SELECT image_id, scored_at, mark FROM sync_known WHERE namespace = ?"
                f" AND image_id IN ({marks})",
                [namespace, *chunk],
            ):
                known[image_id] = (scored_at, int(mark))
        out: list[PendingPush] = []
        for image_id, upto in uptos.items():
            rows = [r for r in candidates.get(image_id, []) if r[4] in (None, namespace)]
            # Vision beats the local estimate; among equals the newest wins (_BEST_ORDER).
            rows.sort(key=lambda r: str(r[3]), reverse=True)
            rows.sort(key=lambda r: r[2] == "local")  # stable: newest first within each
            best = rows[0] if rows else None
            seen = known.get(image_id)
            out.append(
                PendingPush(
                    image_id=image_id,
                    upto=upto,
                    payload=None if best is None else str(best[1]),
                    pulled=best is not None and best[4] == namespace,
                    created_at=None if best is None else str(best[3]),
                    record_json=None if best is None else str(best[5]),
                    known_scored_at=seen[0] if seen else None,
                    known_mark=seen[1] if seen else None,
                )
            )
        return out

    def sync_acknowledge(self, namespace: str, acks: Sequence[SyncAck]) -> None:
        """The server holds these images' versions: dequeue them and remember what it has."""
        with self.transaction():
            self._conn.executemany(
                "DELETE FROM sync_outbox WHERE image_id = ? AND id <= ?"
                " AND (namespace = ? OR namespace IS NULL)",
                [(ack.image_id, ack.upto, namespace) for ack in acks],
            )
            self._conn.executemany(
                _REMEMBER,
                [
                    (namespace, ack.image_id, ack.scored_at, ack.seq, ack.upto)
                    for ack in acks
                    if ack.seq is not None and ack.scored_at is not None
                ],
            )

    def sync_merge(
        self, namespace: str, records: Sequence[PulledRecord], cursor: int | None = None
    ) -> int:
        """Store records pulled from ``namespace`` so they are cache hits on this device, and
        move the cursor, in one transaction. Returns how many results were written.

        Pulled rows are not local changes (no outbox entry) and are tagged with their account
        so they are never pushed to another one. An image with a change still queued here
        keeps its local result; the push decides. This device's own pushes coming back (the
        sequence number it was answered with) are skipped.
        """
        ids = list(dict.fromkeys(r.result.image_id for r in records))
        with self.transaction():
            self._conn.execute("INSERT INTO sync_merging (flag) VALUES (1)")
            try:
                mark = int(
                    self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM sync_outbox").fetchone()[0]
                )
                known: dict[str, int] = {}
                queued: set[str] = set()
                local: dict[tuple[str, str, str, str], str] = {}
                for chunk in _chunks(ids):
                    marks = ",".join("?" * len(chunk))
                    for image_id, seq in self._conn.execute(
                        "SELECT image_id, seq FROM sync_known WHERE namespace = ?"
                        f" AND image_id IN ({marks})",
                        [namespace, *chunk],
                    ):
                        known[image_id] = int(seq)
                    queued.update(
                        row[0]
                        for row in self._conn.execute(
                            "SELECT DISTINCT image_id FROM sync_outbox WHERE"
                            f" (namespace = ? OR namespace IS NULL) AND image_id IN ({marks})",
                            [namespace, *chunk],
                        )
                    )
                    for image_id, analyzer, model, version, created_at in self._conn.execute(
                        "SELECT image_id, analyzer, model, version, created_at FROM results"
                        f" WHERE image_id IN ({marks})",
                        chunk,
                    ):
                        local[(image_id, analyzer, model, version)] = created_at
                write = [
                    r
                    for r in records
                    if known.get(r.result.image_id) != r.seq  # not our own push coming back
                    and r.result.image_id not in queued  # a local change waits to be pushed
                    and local.get(r.result.key) != r.result.created_at.isoformat()
                ]
                self._conn.executemany(
                    _REMEMBER,
                    [(namespace, r.result.image_id, r.scored_at, r.seq, mark) for r in records],
                )
                self._conn.executemany(
                    "INSERT OR IGNORE INTO images (image_id, metadata, created_at)"
                    " VALUES (?, ?, ?)",
                    [
                        (
                            r.result.image_id,
                            r.metadata.model_dump_json(exclude_none=True),
                            utcnow().isoformat(),
                        )
                        for r in write
                        if r.metadata is not None
                    ],
                )
                for r in write:
                    self.record_result(r.result)
                self._conn.executemany(
                    "INSERT OR REPLACE INTO sync_origin"
                    " (image_id, analyzer, model, version, namespace) VALUES (?, ?, ?, ?, ?)",
                    [(*r.result.key, namespace) for r in write],
                )
                if cursor is not None:
                    self._conn.execute(
                        "UPDATE sync_state SET cursor = MAX(cursor, ?) WHERE namespace = ?",
                        (cursor, namespace),
                    )
            finally:
                self._conn.execute("DELETE FROM sync_merging")
        return len(write)


_IDENTITY_PATHS = ", ".join(
    f"'$.{name}'"
    for name in ("image_id", "analyzer", "model", "version", "attributes", "created_at")
)
_ANALYSIS = f"json_remove(r.payload, {_IDENTITY_PATHS})"
_METADATA_NO_GPS = "json_remove(i.metadata, '$.gps_lat', '$.gps_lon', '$.gps_alt_m')"

_REMEMBER = (
    "INSERT INTO sync_known (namespace, image_id, scored_at, seq, mark)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(namespace, image_id) DO UPDATE SET"
    " scored_at = excluded.scored_at, seq = excluded.seq,"
    " mark = MAX(sync_known.mark, excluded.mark)"
)


@dataclass(frozen=True, slots=True)
class SyncStateRow:
    namespace: str
    cursor: int
    last_sync_at: str | None
    last_error: str | None
    last_error_at: str | None


@dataclass(frozen=True, slots=True)
class PendingPush:
    image_id: str
    upto: int  # the newest outbox entry this push covers
    payload: str | None  # the result to push (AnalysisResult JSON), None: nothing to push
    pulled: bool  # the best result came from this account: the server has it already
    created_at: str | None  # the result's time (ISO, with offset)
    record_json: str | None  # the push record without scored_at / share_location
    known_scored_at: str | None
    known_mark: int | None

    @property
    def result(self) -> AnalysisResult | None:
        return None if self.payload is None else AnalysisResult.model_validate_json(self.payload)


@dataclass(frozen=True, slots=True)
class SyncAck:
    image_id: str
    upto: int
    scored_at: str | None = None
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class PulledRecord:
    result: AnalysisResult
    metadata: PhotoMetadata | None
    scored_at: str
    seq: int
