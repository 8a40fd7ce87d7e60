"""Live XMP's worker on its own: its choice on disk, and a failed pass that is survived."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from photo_score_sidecar.xmp_sync import LiveXmp, XmpAuto, load_choice, save_choice

from photo_score.xmp import Mark, read_sidecar


def test_an_unreadable_choice_means_off(tmp_path: Path) -> None:
    assert load_choice(tmp_path) == XmpAuto(enabled=False, naming="adobe")
    (tmp_path / "xmp.json").write_text("{not json")
    assert load_choice(tmp_path).enabled is False
    (tmp_path / "xmp.json").write_text('{"enabled": true, "naming": "lightroom"}')
    assert load_choice(tmp_path).enabled is False
    save_choice(tmp_path, XmpAuto(enabled=True, naming="darktable"))
    assert load_choice(tmp_path) == XmpAuto(enabled=True, naming="darktable")


def test_a_failed_pass_is_reported_and_the_next_one_runs(tmp_path: Path) -> None:
    photo = str(tmp_path / "IMG_0001.jpg")
    calls: list[int] = []

    def marks() -> Iterable[tuple[str, Mark]]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the library could not be read")
        return [(photo, Mark(rating=4, label=None, score=75.0, tier="Strong"))]

    live = LiveXmp(tmp_path / "home", marks).start()
    try:
        live.nudge()  # off: nothing happens
        assert live.wait_idle(5)
        assert calls == []
        live.set_choice(XmpAuto(enabled=True))
        assert live.wait_idle(30)
        choice, busy, last, error = live.status()
        assert (choice.enabled, busy, last, error) == (
            True,
            False,
            None,
            "the library could not be read",
        )
        live.nudge()
        assert live.wait_idle(30)
        _, _, last, error = live.status()
        assert error is None
        assert last is not None
        assert last[1].count("created") == 1
        assert read_sidecar(tmp_path / "IMG_0001.xmp") == (4, None)
    finally:
        live.close()
