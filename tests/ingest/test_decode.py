from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from photo_score.errors import CorruptImageError, ImageTooLargeError, UnsupportedFormatError
from photo_score.ingest import decode
from photo_score.ingest.decode import prepare_photo
from tests.factories.photos import (
    make_camera_jpeg,
    make_corrupt_variants,
    make_dng,
    make_heic,
    make_oriented_marker_jpeg,
    make_png,
    make_png_bomb,
    make_tiff,
    make_webp,
    non_utf8_name,
)

RED, GREEN = (255, 0, 0), (0, 255, 0)

# Where the stored top-left (red) and top-right (green) corners are displayed.
CORNERS = {
    1: ("tl", "tr"),
    2: ("tr", "tl"),
    3: ("br", "bl"),
    4: ("bl", "br"),
    5: ("tl", "bl"),
    6: ("tr", "br"),
    7: ("br", "tr"),
    8: ("bl", "tl"),
}


def corner(a: np.ndarray, where: str) -> np.ndarray:
    h, w = a.shape[:2]
    y = 2 if where[0] == "t" else h - 3
    x = 2 if where[1] == "l" else w - 3
    return a[y, x].astype(int)


def close(pixel: np.ndarray, colour: tuple[int, int, int]) -> bool:
    return bool(np.abs(pixel - np.array(colour)).max() < 40)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_puts_markers_where_displayed(tmp_path: Path, orientation: int) -> None:
    path = make_oriented_marker_jpeg(tmp_path / f"o{orientation}.jpg", orientation)
    photo = prepare_photo(str(path), "id", preview_size=200)
    preview = photo.preview
    expected_hw = (200, 120) if orientation >= 5 else (120, 200)
    assert preview.shape == (*expected_hw, 3)
    assert (photo.metadata.width, photo.metadata.height) == (expected_hw[1] * 2, expected_hw[0] * 2)
    assert photo.metadata.orientation == orientation
    red_at, green_at = CORNERS[orientation]
    assert close(corner(preview, red_at), RED), (red_at, corner(preview, red_at))
    assert close(corner(preview, green_at), GREEN), (green_at, corner(preview, green_at))
    # and agrees with Pillow's reference transpose of the full image
    with Image.open(path) as im:
        reference = np.asarray(ImageOps.exif_transpose(im).resize(preview.shape[1::-1]))
    assert np.abs(reference.astype(int) - preview.astype(int)).mean() < 6


def test_preview_contract(camera_24mp: Path) -> None:
    photo = prepare_photo(str(camera_24mp), "abc")
    assert photo.image_id == "abc"
    assert photo.path == str(camera_24mp)
    assert photo.preview.dtype == np.uint8
    assert photo.preview.shape == (683, 1024, 3)
    assert photo.preview.flags.c_contiguous
    assert not photo.preview.flags.writeable  # shared by every analyzer
    assert photo.preview.std() > 10  # real content, not a flat grey
    assert (photo.metadata.width, photo.metadata.height) == (6000, 4000)
    assert photo.metadata.format == "JPEG"


def test_24mp_jpeg_is_decoded_through_a_draft(
    camera_24mp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """libjpeg must decode at 1/4 scale (1500×1000): the largest scale ≥ 1024 px."""
    seen: list[tuple[int, int]] = []
    real_fit = decode._fit

    def spy(image: Image.Image, preview_size: int) -> np.ndarray:
        seen.append(image.size)
        return real_fit(image, preview_size)

    monkeypatch.setattr(decode, "_fit", spy)
    prepare_photo(str(camera_24mp), "id")
    prepare_photo(str(camera_24mp), "id", preview_size=512)  # 1/8 → 750×500
    prepare_photo(str(camera_24mp), "id", preview_size=2000)  # 1/2 → 3000×2000
    assert seen == [(1500, 1000), (750, 500), (3000, 2000)]


@pytest.mark.parametrize(
    ("maker", "fmt"),
    [
        (lambda p: make_png(p, size=(1600, 900)), "PNG"),
        (lambda p: make_png(p, size=(1600, 900), mode="RGBA"), "PNG"),
        (lambda p: make_png(p, size=(1600, 900), mode="LA"), "PNG"),
        (lambda p: make_png(p, size=(1600, 900), mode="L"), "PNG"),
        (lambda p: make_png(p, size=(1600, 900), mode="P"), "PNG"),
        (lambda p: make_png(p, size=(1600, 900), mode="I;16"), "PNG"),
        (lambda p: make_webp(p, size=(1600, 900)), "WEBP"),
        (lambda p: make_tiff(p, size=(1600, 900)), "TIFF"),
        (lambda p: make_tiff(p, size=(1600, 900), compression="tiff_lzw"), "TIFF"),
        (lambda p: make_tiff(p, size=(1600, 900), bits=16), "TIFF"),
        (lambda p: make_heic(p, size=(320, 180)), "HEIF"),
        (lambda p: make_camera_jpeg(p, size=(1600, 900)), "JPEG"),
    ],
    ids=[
        "png",
        "rgba",
        "la",
        "l",
        "p",
        "png16",
        "webp",
        "tiff",
        "tiff-lzw",
        "tiff16",
        "heic",
        "jpg",
    ],
)
def test_formats_decode_to_rgb_previews(tmp_path: Path, maker: object, fmt: str) -> None:
    ext = {"PNG": ".png", "WEBP": ".webp", "TIFF": ".tif", "HEIF": ".heic", "JPEG": ".jpg"}[fmt]
    path = maker(tmp_path / f"img{ext}")  # type: ignore[operator]
    photo = prepare_photo(str(path), "id", preview_size=512)
    preview = photo.preview
    assert preview.dtype == np.uint8
    assert preview.ndim == 3
    assert preview.shape[2] == 3
    assert max(preview.shape[:2]) == min(512, max(photo.metadata.width or 0, 1))
    assert photo.metadata.format == fmt
    # same picture in every encoding: mid-grey-ish average, real texture, 16 bits scaled
    assert 60 < preview.mean() < 200
    assert preview.std() > 8


def test_cmyk_jpeg_decodes(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (300, 200), (0, 255, 255, 0)).save(path)  # pure red in CMYK
    preview = prepare_photo(str(path), "id").preview
    assert preview.shape == (200, 300, 3)
    assert close(preview[100, 150].astype(int), RED)


def test_mpo_uses_first_frame(tmp_path: Path) -> None:
    path = tmp_path / "stereo.mpo"
    left = Image.new("RGB", (320, 240), RED)
    right = Image.new("RGB", (320, 240), GREEN)
    left.save(path, "MPO", save_all=True, append_images=[right])
    with Image.open(path) as im:
        assert im.format == "MPO"
        assert getattr(im, "n_frames", 1) == 2
    photo = prepare_photo(str(path), "id")
    assert close(photo.preview[120, 160].astype(int), RED)
    assert photo.metadata.format == "MPO"


def test_heic_orientation_is_not_applied_twice(tmp_path: Path) -> None:
    path = make_heic(tmp_path / "o.heic", size=(320, 160), orientation=6)
    photo = prepare_photo(str(path), "id")
    assert photo.metadata.orientation == 6
    # pillow-heif already rotated it; the displayed image is portrait exactly once
    assert photo.preview.shape == (320, 160, 3)
    assert (photo.metadata.width, photo.metadata.height) == (160, 320)


def test_non_utf8_path_decodes(tmp_path: Path) -> None:
    name = non_utf8_name(tmp_path)
    make_camera_jpeg(name, size=(200, 100))
    photo = prepare_photo(name, "id")
    assert photo.preview.shape == (100, 200, 3)
    assert photo.path == name


# --------------------------------------------------------------------------- RAW


def _red(height: int, width: int) -> np.ndarray:
    """Preview pixels no demosaic of the natural-image CFA would give."""
    red = np.zeros((height, width, 3), np.uint8)
    red[..., 0] = 255
    return red


def test_dng_with_preview_uses_the_embedded_image(tmp_path: Path) -> None:
    red = _red(400, 600)
    path = make_dng(tmp_path / "IMG.DNG", with_preview=True, size=(1200, 800), preview_pixels=red)
    photo = prepare_photo(str(path), "id", preview_size=512)
    assert photo.preview.shape == (341, 512, 3)
    assert photo.metadata.format == "RAW"
    assert (photo.metadata.width, photo.metadata.height) == (1200, 800)
    assert photo.metadata.camera_make == "Canon"
    assert photo.metadata.camera_model == "Canon EOS R6"
    assert close(photo.preview[170, 256].astype(int), RED)  # the preview, not a demosaic


def test_dng_with_a_jpeg_preview_uses_it(tmp_path: Path) -> None:
    """Camera RAWs embed a JPEG preview; LibRaw returns it as JPEG bytes."""
    red = _red(400, 600)
    path = make_dng(
        tmp_path / "IMG.DNG",
        with_preview=True,
        size=(1200, 800),
        preview_pixels=red,
        preview_jpeg=True,
    )
    photo = prepare_photo(str(path), "id", preview_size=512)
    assert photo.preview.shape == (341, 512, 3)
    assert photo.metadata.format == "RAW"
    assert (photo.metadata.width, photo.metadata.height) == (1200, 800)
    assert photo.metadata.camera_make == "Canon"
    assert close(photo.preview[170, 256].astype(int), RED)  # the preview, not a demosaic


@pytest.mark.parametrize("preview_jpeg", [False, True])
def test_dng_with_only_a_thumbnail_is_demosaiced(tmp_path: Path, preview_jpeg: bool) -> None:
    """A 150 px embedded image is a thumbnail: analysing it would judge a sixth of the
    pixels a 1200 px sensor's half-size demosaic gives."""
    red = _red(100, 150)
    path = make_dng(
        tmp_path / "IMG.DNG",
        with_preview=True,
        size=(1200, 800),
        preview_size=(150, 100),
        preview_pixels=red,
        preview_jpeg=preview_jpeg,
    )
    photo = prepare_photo(str(path), "id", preview_size=512)
    assert photo.preview.shape == (341, 512, 3)
    assert not close(photo.preview[170, 256].astype(int), RED)  # the sensor's data
    assert photo.preview.std() > 8
    assert photo.metadata.camera_make == "Canon"  # read from the DNG's own tags


def test_dng_preview_as_big_as_a_half_size_demosaic_is_used(tmp_path: Path) -> None:
    """Asked for more than the sensor holds, the preview is enough at half its size."""
    red = _red(400, 600)
    path = make_dng(tmp_path / "IMG.DNG", with_preview=True, size=(1200, 800), preview_pixels=red)
    photo = prepare_photo(str(path), "id", preview_size=1024)
    assert photo.preview.shape == (400, 600, 3)
    assert close(photo.preview[200, 300].astype(int), RED)


def test_dng_without_preview_is_demosaiced(tmp_path: Path) -> None:
    path = make_dng(tmp_path / "IMG.dng", with_preview=False, size=(1200, 800))
    photo = prepare_photo(str(path), "id", preview_size=512)
    assert photo.preview.shape == (341, 512, 3)
    assert (photo.metadata.width, photo.metadata.height) == (1200, 800)
    assert photo.preview.std() > 8


def test_jpeg_named_raw_decodes_by_content(tmp_path: Path) -> None:
    path = make_camera_jpeg(tmp_path / "really_a_jpeg.nef", size=(400, 300))
    photo = prepare_photo(str(path), "id")
    assert photo.metadata.format == "JPEG"
    assert photo.preview.shape == (300, 400, 3)


def test_garbage_named_raw_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.cr2"
    path.write_bytes(b"II*\x00" + np.random.default_rng(9).bytes(2000))
    with pytest.raises((CorruptImageError, UnsupportedFormatError)) as info:
        prepare_photo(str(path), "id")
    assert info.value.path == str(path)
    assert info.value.reason


# --------------------------------------------------------------------------- bad files


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_corrupt_variants(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(
    ("case", "error", "reason"),
    [
        ("zero_bytes", CorruptImageError, r"^file is empty \(0 bytes\)$"),
        ("truncated_jpeg", CorruptImageError, r"^truncated JPEG: the file ends before"),
        (
            "random_bytes",
            CorruptImageError,
            r"^not a recognised image: content is unknown but extension is \.jpg$",
        ),
        ("png_bomb", ImageTooLargeError, r"^100000×100000 pixels \(10,000 MP\) is over the 250"),
        (
            "text_named_heic",
            UnsupportedFormatError,
            r"^not a recognised image: content is text but extension is \.heic$",
        ),
    ],
)
def test_bad_files_raise_specific_errors(
    variants: dict[str, Path], case: str, error: type[Exception], reason: str
) -> None:
    path = str(variants[case])
    with pytest.raises(error) as info:
        prepare_photo(path, "id")
    assert type(info.value) is error
    assert info.value.path == path  # type: ignore[attr-defined]
    assert re.search(reason, info.value.reason), info.value.reason  # type: ignore[attr-defined]


def test_png_named_jpg_decodes_because_content_wins(variants: dict[str, Path]) -> None:
    photo = prepare_photo(str(variants["png_named_jpg"]), "id")
    assert photo.metadata.format == "PNG"
    assert photo.preview.shape == (200, 320, 3)


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.6, 0.9, 0.99])
def test_truncated_jpeg_never_decodes_to_a_grey_half(tmp_path: Path, fraction: float) -> None:
    whole = make_camera_jpeg(tmp_path / "whole.jpg", size=(1200, 800), seed=3)
    data = whole.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(CorruptImageError, match="truncated JPEG"):
        prepare_photo(str(cut), "id")


def test_bomb_is_refused_before_decoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_png_bomb(tmp_path / "bomb.png", side=20_000)  # 400 MP, under Pillow's own error

    def fail_load(self: Image.Image) -> None:
        raise AssertionError("load() must not run for an oversized image")

    monkeypatch.setattr(Image.Image, "load", fail_load)
    with pytest.raises(ImageTooLargeError, match="400 MP"):
        prepare_photo(str(path), "id")


def test_max_pixels_is_configurable(tmp_path: Path) -> None:
    path = make_camera_jpeg(tmp_path / "a.jpg", size=(2000, 1000))
    with pytest.raises(ImageTooLargeError, match="2000×1000"):
        prepare_photo(str(path), "id", max_pixels=1_000_000)
    assert prepare_photo(str(path), "id", max_pixels=2_000_000).preview.shape[1] == 1024


def test_100mp_image_passes_without_pillow_bomb_warning(tmp_path: Path) -> None:
    """100 MP medium-format sizes pass (no Pillow DecompressionBombWarning under -W error)."""
    path = tmp_path / "big.png"
    Image.new("L", (12_000, 9_000)).save(path, optimize=False, compress_level=1)
    photo = prepare_photo(str(path), "id", preview_size=256)
    assert photo.preview.shape == (192, 256, 3)


def test_permission_denied_is_specific(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_camera_jpeg(tmp_path / "a.jpg", size=(100, 100))
    import builtins

    real_open = builtins.open

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if file == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", deny)
    with pytest.raises(CorruptImageError, match="permission denied") as info:
        prepare_photo(str(path), "id")
    assert info.value.path == str(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(CorruptImageError, match="not found"):
        prepare_photo(str(tmp_path / "gone.jpg"), "id")
    with pytest.raises(UnsupportedFormatError, match="directory"):
        prepare_photo(str(tmp_path), "id")


@pytest.mark.parametrize(
    ("content", "kind", "error"),
    [
        (b"%PDF-1.7\n" + b"x" * 100, "PDF", UnsupportedFormatError),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP archive", UnsupportedFormatError),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100, "MPEG-4 video", UnsupportedFormatError),
        (b"<!DOCTYPE html><html>", "HTML", UnsupportedFormatError),
    ],
)
def test_wrong_content_names_what_it_is(
    tmp_path: Path, content: bytes, kind: str, error: type[Exception]
) -> None:
    path = tmp_path / "photo.JPG"
    path.write_bytes(content)
    with pytest.raises(error, match=f"content is {kind} but extension is .jpg"):
        prepare_photo(str(path), "id")


def test_damaged_jpeg_header(tmp_path: Path) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + np.random.default_rng(5).bytes(200))
    with pytest.raises(CorruptImageError) as info:
        prepare_photo(str(path), "id")
    assert info.value.reason.startswith("damaged JPEG header: ")
