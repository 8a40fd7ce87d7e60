"""learn_taste: the photographer's ratings, each shot counted once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from photo_score.errors import UsageError
from photo_score.ratings import learn_taste
from photo_score.scoring import default_config
from tests.factories.ratings import write_hand_rating


def test_a_raw_jpeg_pair_is_one_rated_shot(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    shots = 24
    values = rng.uniform(0.3, 0.9, (shots, 6))
    stars = np.digitize(values[:, 3], np.quantile(values[:, 3], [0.2, 0.4, 0.6, 0.8])) + 1
    paths: list[str] = []
    for i in range(shots):
        jpeg = tmp_path / f"IMG_{i:04d}.JPG"
        write_hand_rating(jpeg, int(stars[i]))  # IMG_0000.xmp: Adobe naming, the pair's
        paths += [str(jpeg), str(tmp_path / f"IMG_{i:04d}.CR2")]
    report, fitted = learn_taste(paths, np.repeat(values, 2, axis=0), default_config())
    assert report.rated == shots  # not 48: each pair once
    assert report.sources == {"sidecar": shots}
    assert report.share["sharpness"].after > report.share["sharpness"].before
    assert fitted.name == "default-taste"
    with pytest.raises(UsageError, match="none of the 2 scored photos"):
        learn_taste([str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg")], values[:2], fitted)
