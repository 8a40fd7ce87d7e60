"""Core: the library, the ranked catalog (sort/filter/page/stats) and the ranking cache."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from photo_score.catalog import (
    PhotoQuery,
    RankingCache,
    build_catalog,
    folder_counts,
    library_stats,
    photo_detail,
    query_photos,
    rank_catalog,
)
from photo_score.errors import NotFoundError, UsageError
from photo_score.library import Library, OutsideLibraryError
from photo_score.models import ATTRIBUTES, AnalysisResult, PhotoMetadata
from photo_score.scoring import ScoringConfig, default_config, parse_config
from photo_score.storage.cache import Cache


def _id(i: int) -> str:
    return f"{i:064x}"


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    c = Cache(tmp_path / "cache.sqlite3")
    yield c  # type: ignore[misc]
    c.close()


def record(
    cache: Cache,
    path: Path,
    image_id: str,
    metadata: PhotoMetadata,
    attributes: dict[str, float] | None,
    measurements: dict[str, float] | None = None,
) -> None:
    """One library photo: its file, metadata and (unless None) a local result."""
    cache.record_file(str(path), 1, 1, image_id)
    cache.record_metadata(image_id, metadata)
    if attributes is not None:
        cache.record_result(
            AnalysisResult(
                image_id=image_id,
                analyzer="local",
                model="m",
                version="1",
                attributes=attributes,
                measurements=measurements or {},
            )
        )


def populate(cache: Cache, folder: Path, n: int, *, seed: int = 0, unscored: int = 0) -> None:
    rng = np.random.default_rng(seed)
    with cache.transaction():
        for i in range(n):
            metadata = PhotoMetadata(
                capture_time=f"2024-01-{1 + i % 28:02d}T10:00:00+00:00",
                camera_model="A" if i % 2 else "B",
            )
            values = rng.random(len(ATTRIBUTES)) if i < n - unscored else None
            attributes = (
                None if values is None else dict(zip(ATTRIBUTES, values.tolist(), strict=True))
            )
            record(cache, folder / f"P{i:05d}.jpg", _id(i + 1), metadata, attributes)


def test_library_resolves_real_paths(cache: Cache, tmp_path: Path) -> None:
    lib = Library(cache)
    inside = tmp_path / "lib"
    (inside / "sub").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    folder = lib.add(str(inside / "sub" / ".."))
    assert folder.path == str(inside.resolve())
    assert lib.add(str(inside)).id == folder.id  # idempotent
    assert lib.resolve(str(inside / "sub")) == str((inside / "sub").resolve())
    with pytest.raises(OutsideLibraryError):
        lib.resolve(str(inside / ".." / "out"))
    with pytest.raises(OutsideLibraryError):
        lib.resolve(str(tmp_path / "lib-sibling"))  # a prefix is not a parent
    (inside / "escape").symlink_to(tmp_path / "out")
    with pytest.raises(OutsideLibraryError):
        lib.resolve(str(inside / "escape"))
    with pytest.raises(NotFoundError):
        lib.add(str(tmp_path / "missing"))
    with pytest.raises(UsageError):
        lib.add("/")
    lib.remove(folder.id)
    assert lib.folders() == []


def test_query_sorts_filters_and_pages(cache: Cache, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    populate(cache, folder, 50, unscored=5)
    ranked = rank_catalog(build_catalog(cache, [(1, str(folder))]), default_config())

    page = query_photos(ranked, PhotoQuery(limit=10))
    assert page.total == 50
    scores = [p.final_score for p in page.items]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert [p.rank for p in page.items] == list(range(1, 11))

    everything = query_photos(ranked, PhotoQuery(limit=1000))
    assert [p.final_score for p in everything.items[-5:]] == [None] * 5  # unscored last
    ascending = query_photos(ranked, PhotoQuery(order="asc", limit=1000))
    assert [p.final_score for p in ascending.items[-5:]] == [None] * 5  # last either way

    sharp = query_photos(ranked, PhotoQuery(sort="sharpness", limit=1000))
    values = [p.attributes["sharpness"] for p in sharp.items if p.attributes["sharpness"]]
    assert values == sorted(values, reverse=True)

    assert query_photos(ranked, PhotoQuery(unscored=True)).total == 5
    assert query_photos(ranked, PhotoQuery(camera=["A"])).total == 25
    assert query_photos(ranked, PhotoQuery(q="p0000")).total == 10
    assert query_photos(ranked, PhotoQuery(date_from="2024-01-28")).total == 1
    assert query_photos(ranked, PhotoQuery(date_to="2024-01-01")).total == 2
    high = query_photos(ranked, PhotoQuery(min_score=60, limit=1000))
    assert all(p.final_score is not None and p.final_score >= 60 for p in high.items)
    ranged = query_photos(ranked, PhotoQuery(attr=["composition:0.2:0.4"], limit=1000))
    assert all(0.2 <= (p.attributes["composition"] or 0) <= 0.4 for p in ranged.items)
    tiers = query_photos(ranked, PhotoQuery(sort="tier", limit=1000)).items
    order = [t.name for t in default_config().tiers]
    positions = [order.index(p.tier) for p in tiers if p.tier]
    assert positions == sorted(positions)

    second = query_photos(ranked, PhotoQuery(offset=10, limit=10))
    assert [p.image_id for p in second.items] == [p.image_id for p in everything.items[10:20]]
    with pytest.raises(NotFoundError):
        query_photos(ranked, PhotoQuery(folder=9))
    with pytest.raises(ValueError, match="expected name:min:max"):
        PhotoQuery(attr=["bogus"])
    with pytest.raises(UsageError):
        query_photos(ranked, PhotoQuery(date_from="yesterday"))


def test_stats(cache: Cache, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    populate(cache, folder, 40, unscored=4)
    ranked = rank_catalog(build_catalog(cache, [(3, str(folder))]), default_config())
    stats = library_stats(ranked)
    assert (stats.total, stats.scored, stats.unscored) == (40, 36, 4)
    assert len(stats.histogram) == 20
    assert sum(b.count for b in stats.histogram) == 36
    assert sum(stats.tier_counts.values()) == 36
    assert list(stats.tier_counts) == [t.name for t in default_config().tiers]
    finite = ranked.final[~np.isnan(ranked.final)]
    assert stats.mean_score == pytest.approx(round(float(finite.mean()), 2))
    assert stats.attribute_means["composition"] is not None
    assert not math.isnan(stats.attribute_means["composition"])
    assert folder_counts(ranked) == {3: (40, 36)}


def test_ranking_cache_reuses_and_invalidates(cache: Cache, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    populate(cache, folder, 20)
    rankings = RankingCache(cache)
    folders = [(1, str(folder))]
    first = rankings.ranked(folders, default_config())
    assert rankings.ranked(folders, default_config()) is first  # nothing changed
    tech = parse_config(
        "version: 1\nname: t\ncategory_weights: {aesthetic: 0, technical: 1}\n", "t"
    )
    other = rankings.ranked(folders, tech)
    assert other.catalog is first.catalog  # a config change re-ranks, never re-reads
    assert not np.array_equal(other.final, first.final)
    populate(cache, folder, 21, seed=1)  # a write: the catalog is rebuilt
    assert len(rankings.ranked(folders, default_config()).catalog) == 21


def test_bursts_are_found_ranked_and_collapse_to_their_keepers(
    cache: Cache, tmp_path: Path
) -> None:
    """Three frames a fifth of a second apart (the second one sharp) and a lone photo."""
    folder = tmp_path / "lib"
    frames = {"F0": 0.45, "F1": 0.95, "F2": 0.6, "LONE": 0.3}
    with cache.transaction():
        for k, (name, sharpness) in enumerate(frames.items()):
            when = "2024-05-01T09:00:00" if name != "LONE" else "2024-05-01T09:05:00"
            metadata = PhotoMetadata(
                capture_time=f"{when}.{2 * k}00", camera_serial="S1", camera_model="X"
            )
            attributes = dict.fromkeys(ATTRIBUTES, 0.7) | {"sharpness": sharpness}
            luma = {"luma_p50": 120.0}
            record(cache, folder / f"{name}.jpg", _id(100 + k), metadata, attributes, luma)
    ranked = RankingCache(cache).ranked([(1, str(folder))], default_config())

    page = query_photos(ranked, PhotoQuery(limit=100))
    bursts = {p.name: p.burst for p in page.items}
    assert bursts["LONE.jpg"] is None
    keeper = bursts["F1.jpg"]
    assert keeper is not None
    assert (keeper.keeper, keeper.rank, keeper.size) == (True, 1, 3)
    assert {b.id for b in bursts.values() if b is not None} == {_id(100)}
    assert sorted(b.rank for b in bursts.values() if b is not None) == [1, 2, 3]

    kept = query_photos(ranked, PhotoQuery(keepers=True))
    assert sorted(p.name for p in kept.items) == ["F1.jpg", "LONE.jpg"]
    assert kept.total == 2

    detail = photo_detail(cache, ranked, _id(100))
    assert [s.name for s in detail.burst] == ["F0.jpg", "F1.jpg", "F2.jpg"]
    assert detail.photo is not None
    assert detail.photo.burst is not None
    assert detail.photo.burst.rank == 3  # the softest frame
    assert photo_detail(cache, ranked, _id(103)).burst == []


def test_a_wider_window_groups_the_retakes_of_one_scene(cache: Cache, tmp_path: Path) -> None:
    """Three frames of one scene 20 s apart, then another scene 20 s later: no burst at 2 s;
    at 30 s the three are one group with a keeper, and the other scene stays out of it."""
    folder = tmp_path / "lib"
    alike, other = (0, 0, 0, 0), (2**32 - 1,) * 4  # layout words: 0 and 128 bits apart
    shots = {"P0": (0.5, alike), "P1": (0.9, alike), "P2": (0.6, alike), "VIEW": (0.8, other)}
    with cache.transaction():
        for k, (name, (sharpness, layout)) in enumerate(shots.items()):
            metadata = PhotoMetadata(
                capture_time=f"2024-05-01T09:00:{20 * k:02d}", camera_model="X"
            )
            attributes = dict.fromkeys(ATTRIBUTES, 0.7) | {"sharpness": sharpness}
            readings = {"luma_p50": 120.0} | {f"layout_{i}": float(w) for i, w in enumerate(layout)}
            record(cache, folder / f"{name}.jpg", _id(200 + k), metadata, attributes, readings)
    rankings = RankingCache(cache)
    folders = [(1, str(folder))]
    bursts = {
        p.name: p.burst
        for p in query_photos(rankings.ranked(folders, default_config()), PhotoQuery()).items
    }
    assert set(bursts.values()) == {None}

    wide = ScoringConfig.model_validate(default_config().model_dump() | {"burst_gap_s": 30.0})
    ranked = rankings.ranked(folders, wide)
    bursts = {p.name: p.burst for p in query_photos(ranked, PhotoQuery()).items}
    assert bursts["VIEW.jpg"] is None
    keeper = bursts["P1.jpg"]
    assert keeper is not None
    assert (keeper.keeper, keeper.size) == (True, 3)
    assert [s.name for s in photo_detail(cache, ranked, _id(200)).burst] == [
        "P0.jpg",
        "P1.jpg",
        "P2.jpg",
    ]
    kept = query_photos(ranked, PhotoQuery(keepers=True))
    assert sorted(p.name for p in kept.items) == ["P1.jpg", "VIEW.jpg"]
    # The default window's ranking is still served as it was.
    again = query_photos(rankings.ranked(folders, default_config()), PhotoQuery()).items
    assert {p.burst for p in again} == {None}
