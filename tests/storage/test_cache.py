"""The SQLite cache: schema, keys, the path index and crash consistency."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from photo_score.errors import CacheError
from photo_score.models import AnalysisResult, PhotoMetadata
from photo_score.storage.cache import AnalyzerKey, Cache
from photo_score.storage.migrations import MIGRATIONS, Migration, migrate


def _result(
    image_id: str, analyzer: str = "local", version: str = "1", **attrs: float
) -> AnalysisResult:
    return AnalysisResult(
        image_id=image_id,
        analyzer=analyzer,
        model="heuristic" if analyzer == "local" else "m",
        version=version,
        attributes=attrs,
        notes={"sharpness": "edges are crisp"},
    )


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    c = Cache(tmp_path / "cache.sqlite3")
    yield c
    c.close()


def test_new_cache_is_in_wal_mode_at_the_latest_schema(cache: Cache) -> None:
    conn = sqlite3.connect(cache.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == [m.version for m in MIGRATIONS]


def test_migrations_run_once_and_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Cache(path).close()
    Cache(path).close()  # reopening must not re-run or fail
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_a_failing_migration_leaves_the_schema_untouched(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    broken = (
        *MIGRATIONS,
        Migration(99, "broken", "CREATE TABLE extra (x INT); SELECT nope FROM nowhere"),
    )
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, broken)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "extra" not in tables
    assert (
        conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        == MIGRATIONS[-1].version
    )


def test_relative_paths_of_older_caches_are_dropped_from_the_path_index(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    migrate(conn, tuple(m for m in MIGRATIONS if m.version < 4))
    paths = [b"/home/me/a.jpg", b"trip/b.jpg", b"./c.jpg", b"C:\\Photos\\d.jpg", b"C:/e.jpg"]
    paths += [b"\\\\nas\\f.jpg", b"..\\g.jpg"]
    for path in paths:
        conn.execute("INSERT INTO files VALUES (?, 1, 1, 'id', 'now')", (path,))
        conn.execute("INSERT INTO failures VALUES (?, 1, 1, 'broken', 'now')", (path,))
    migrate(conn)
    kept = [b"/home/me/a.jpg", b"C:\\Photos\\d.jpg", b"C:/e.jpg", b"\\\\nas\\f.jpg"]
    for table in ("files", "failures"):
        rows = [r[0] for r in conn.execute(f"SELECT path FROM {table} ORDER BY rowid")]
        assert rows == kept, table


def test_a_cache_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    Cache(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    conn.commit()
    conn.close()
    with pytest.raises(CacheError, match="version 999"):
        Cache(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CacheError, match="cannot open the cache"):
        Cache(path)


def test_results_are_keyed_by_image_analyzer_model_and_version(cache: Cache) -> None:
    with cache.transaction():
        cache.record_result(_result("a", version="1", sharpness=0.2))
        cache.record_result(_result("a", version="2", sharpness=0.9))
    v1 = cache.load_attributes(["a"], AnalyzerKey("local", "heuristic", "1"))
    v2 = cache.load_attributes(["a"], AnalyzerKey("local", "heuristic", "2"))
    assert v1.values[0, 3] == pytest.approx(0.2)
    assert v2.values[0, 3] == pytest.approx(0.9)
    assert cache.result_ids(AnalyzerKey("local", "heuristic", "3")) == set()


def test_best_result_prefers_vision_over_the_local_estimate(cache: Cache) -> None:
    with cache.transaction():
        cache.record_result(_result("a", analyzer="openrouter", composition=0.8))
        cache.record_result(_result("a", analyzer="local", composition=0.3))
    rows = cache.load_attributes(["a"])
    assert rows.analyzers == ["openrouter"]
    assert rows.values[0, 0] == pytest.approx(0.8)
    assert cache.get_best_results(["a"])["a"].analyzer == "openrouter"
    assert [r.analyzer for r in cache.get_results("a")] == ["openrouter", "local"]


def test_missing_attributes_load_as_nan(cache: Cache) -> None:
    with cache.transaction():
        cache.record_result(_result("a", sharpness=0.5))
    rows = cache.load_attributes(["a", "unknown"])
    assert rows.image_ids == ["a"]
    assert np.isnan(rows.values[0, 0])
    assert rows.values[0, 3] == pytest.approx(0.5)


def test_a_rolled_back_transaction_writes_nothing(cache: Cache) -> None:
    def write_then_fail() -> None:
        with cache.transaction():
            cache.record_result(_result("a", sharpness=0.5))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert cache.load_attributes(["a"]).image_ids == []


def test_path_index_round_trips_non_utf8_names(cache: Cache) -> None:
    name = os.fsdecode(b"/photos/caf\xe9-\xff.jpg")  # Latin-1 bytes, not valid UTF-8
    with cache.transaction():
        cache.record_file(name, 10, 123, "img")
    hit = cache.lookup_paths([name, "/photos/other.jpg"])
    assert list(hit) == [name]
    assert (hit[name].size, hit[name].mtime_ns, hit[name].image_id) == (10, 123, "img")
    assert cache.paths_for("img") == [name]


def test_recording_a_file_clears_its_old_failure(cache: Cache) -> None:
    with cache.transaction():
        cache.record_failure("/p.jpg", 1, 1, "file is empty (0 bytes)")
    assert cache.lookup_failures(["/p.jpg"])["/p.jpg"].error == "file is empty (0 bytes)"
    with cache.transaction():
        cache.record_file("/p.jpg", 2, 2, "img")
    assert cache.lookup_failures(["/p.jpg"]) == {}


def test_metadata_and_calls_round_trip(cache: Cache) -> None:
    md = PhotoMetadata(camera_make="Canon", iso=400, gps_lat=-33.5)
    with cache.transaction():
        cache.record_metadata("a", md)
        cache.put_call("a", "aesthetic", "qwen", "p1", {"composition": 0.7}, 0.001)
    assert cache.get_metadata(["a"])["a"] == md
    assert cache.get_call("a", "aesthetic", "qwen", "p1") == {"composition": 0.7}
    assert cache.get_call("a", "aesthetic", "qwen", "p2") is None
    assert cache.stats()["vision_cost_usd"] == pytest.approx(0.001)


def test_find_image_by_path_or_id_prefix(cache: Cache) -> None:
    with cache.transaction():
        cache.record_file("/x/a.jpg", 1, 1, "abcdef0123")
        cache.record_result(_result("abcdef0123", sharpness=0.1))
    assert cache.find_image("/x/a.jpg") == "abcdef0123"
    assert cache.find_image("abcdef") == "abcdef0123"
    assert cache.find_image("abc") is None  # too short to be unambiguous
    assert cache.find_image("/x/b.jpg") is None


def test_clear_empties_every_table(cache: Cache) -> None:
    with cache.transaction():
        cache.record_file("/a.jpg", 1, 1, "a")
        cache.record_result(_result("a", sharpness=0.1))
    cache.clear()
    stats = cache.stats()
    assert (stats["files"], stats["results"]) == (0, 0)


def test_a_process_killed_mid_write_leaves_a_consistent_cache(tmp_path: Path) -> None:
    """kill -9 while a writer commits batch after batch: every batch is all or nothing."""
    path = tmp_path / "c.sqlite3"
    Cache(path).close()
    writer = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from photo_score.models import AnalysisResult
        from photo_score.storage.cache import Cache
        cache = Cache(Path({str(path)!r}))
        batch = 0
        while True:
            with cache.transaction():
                for i in range(50):
                    iid = f"{{batch}}-{{i}}"
                    cache.record_file("/p/" + iid, 1, 1, iid)
                    cache.record_result(AnalysisResult(image_id=iid, analyzer="local",
                        model="h", version="1", attributes={{"sharpness": 0.5}}))
            batch += 1
            if batch == 3:
                print("ready", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    with Cache(path) as cache:
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        files = conn.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        results = conn.execute("SELECT COUNT(*) FROM results").fetchone()[0]
        conn.close()
        assert files == results  # never a file without its result, or the reverse
        assert files >= 150
        assert files % 50 == 0
        assert len(cache.result_ids(AnalyzerKey("local", "h", "1"))) == files


def test_capture_fields_and_measurements_are_read_without_parsing_results(
    cache: Cache,
) -> None:
    """What burst grouping reads: four metadata fields and the frames' readings."""
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    cache.record_metadata(a, PhotoMetadata(capture_time="2024-05-01T09:00:00.2", camera_serial="S"))
    cache.record_metadata(b, PhotoMetadata(camera_make="Nikon", camera_model="Z6"))  # no time
    cache.record_metadata(c, PhotoMetadata(capture_time="2024-05-01T09:00:01", camera_model="Z6"))
    fields = cache.capture_fields([a, b, c])
    assert set(fields) == {a, c}
    assert (fields[a].capture_time, fields[a].camera_serial) == ("2024-05-01T09:00:00.2", "S")
    assert (fields[c].camera_serial, fields[c].camera_make, fields[c].camera_model) == (
        None,
        None,
        "Z6",
    )

    both = {"luma_p50": 90.0, "tilt_confidence": 0.5}
    old = _result(a, version="1").model_copy(update={"measurements": both})
    new = _result(a, version="2").model_copy(update={"measurements": {"luma_p50": 120.0}})
    vision = _result(a, analyzer="openrouter")  # measures neither
    cache.record_result(old)
    time.sleep(0.01)  # created_at orders the results
    cache.record_result(new)
    cache.record_result(vision)
    cache.record_result(_result(b).model_copy(update={"measurements": {"tilt_confidence": 0.3}}))
    found = cache.measurements([a, b, c], ["luma_p50", "tilt_confidence"])
    assert set(found) == {a, b}  # c has no result
    # All from the newest result that recorded any of them: never a blend of two versions.
    assert found[a][0] == 120.0
    assert math.isnan(found[a][1])
    assert math.isnan(found[b][0])
    assert found[b][1] == 0.3
    with pytest.raises(ValueError, match="not measurement names"):
        cache.measurements([a], ["luma_p50", "x') OR 1=1 --"])
