"""BurstIndex: which photos share a burst, and a RAW+JPEG pair counted as one shot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photo_score.report import BurstIndex
from photo_score.scoring import default_config
from photo_score.storage.cache import Cache


def test_a_raw_jpeg_pair_is_one_frame_and_the_jpeg_shares_its_place(tmp_path: Path) -> None:
    # Three shots 0.3 s apart, each saved as a CR2 and a JPEG, and a lone RAW+JPEG shot
    # a minute later. No layout in the cache: frames join by time alone.
    names = ["IMG_1", "IMG_2", "IMG_3", "IMG_9"]
    paths = [f"/shoot/{n}.{ext}" for n in names for ext in ("CR2", "JPG")]
    ids = [f"id-{Path(p).name}" for p in paths]
    shot_at = {"IMG_1": 0.0, "IMG_2": 0.3, "IMG_3": 0.6, "IMG_9": 60.0}
    times = np.array([shot_at[Path(p).stem] for p in paths])
    cameras = ["canon-1"] * len(paths)
    with Cache(tmp_path / "c.sqlite3") as cache:
        index = BurstIndex(cache, ids, (times, cameras), paths)
        raws = [i for i in ids if i.endswith(".CR2")]
        # One burst of the three raw files, in shot order; the lone pair is no burst.
        assert index.members("id-IMG_1.JPG") == raws[:3]
        assert index.members("id-IMG_9.CR2") == []
        assert index.members("id-IMG_9.JPG") == []
        sharpness = np.array([0.5, 0.5, 0.9, 0.9, 0.2, 0.2, 0.7, 0.7])
        values = np.tile(np.full(6, 0.6), (len(ids), 1))
        values[:, 3] = sharpness
        places = index.ranked(values, default_config()).places(ids)
        assert set(places) == set(ids[:6])
        for raw, jpeg in zip(ids[0:6:2], ids[1:6:2], strict=True):
            assert places[jpeg] == places[raw]  # the same frame, the same place
        assert {p.size for p in places.values()} == {3}
        assert places["id-IMG_2.CR2"].keeper
        assert places["id-IMG_2.JPG"].keeper
        assert places["id-IMG_3.JPG"].rank == 3

    # Without paths the pair cannot be known: six frames, one burst of 6 plus a pair.
    with Cache(tmp_path / "d.sqlite3") as cache:
        index = BurstIndex(cache, ids, (times, cameras))
        assert len(index.members("id-IMG_1.JPG")) == 6
        assert len(index.members("id-IMG_9.JPG")) == 2
