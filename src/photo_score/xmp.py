"""XMP sidecars: ratings and labels that Lightroom, Capture One, darktable and digiKam read.

A photo's mark (``xmp:Rating`` −1…5 and ``xmp:Label``, from its tier through the scoring
config) goes into a sidecar file beside it, never into the photo: originals are not
touched. Two naming styles exist and both are common: Adobe's ``IMG_0001.xmp`` (also
Capture One, Photo Mechanic) and darktable's ``IMG_0001.CR3.xmp`` (digiKam reads both).

An existing sidecar is merged, not replaced: everything in it (develop settings,
keywords, other apps' fields) is kept, and only the two marks and photo-score's own
``photoscore:`` fields change. A rating or label the photographer set by hand wins: the
sidecar remembers what photo-score last wrote (``photoscore:Rating`` and
``photoscore:Label``), and a mark that no longer equals it was changed by someone else,
so it is left as it is unless the caller asks to overwrite.

A sidecar is rewritten only when a value changes (so re-running does not bump its
modification time and make an editor ask whether to reload it), through a temporary file
and a rename, so a crash leaves either the old file or the new one.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import threading
import warnings
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image
from pydantic import BaseModel, Field

from photo_score.errors import UsageError
from photo_score.ingest.discover import RAW_EXTENSIONS
from photo_score.scoring import ScoringConfig, xmp_for

Naming = Literal["adobe", "darktable"]
NAMINGS: tuple[Naming, ...] = ("adobe", "darktable")
Status = Literal["created", "updated", "unchanged", "skipped", "failed"]
RatingSource = Literal["sidecar", "embedded"]

NS_X = "adobe:ns:meta/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_XMP = "http://ns.adobe.com/xap/1.0/"
NS_PHOTOSCORE = "http://ns.photo-score.app/xmp/1.0/"

# A sidecar with years of edit history stays well under a megabyte; anything this big is
# not a sidecar, and reading it whole would only waste memory.
MAX_SIDECAR_BYTES = 16 * 1024 * 1024

# Prefixes ElementTree writes for the namespaces sidecars usually hold, so a merged file
# keeps the prefixes other apps wrote (the URI is what counts, but people read these).
_KNOWN_PREFIXES = {
    "x": NS_X,
    "rdf": NS_RDF,
    "xmp": NS_XMP,
    "photoscore": NS_PHOTOSCORE,
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "stEvt": "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "stRef": "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "xmpDM": "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "crs": "http://ns.adobe.com/camera-raw-settings/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "lr": "http://ns.adobe.com/lightroom/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "exifEX": "http://cipa.jp/exif/1.0/",
    "aux": "http://ns.adobe.com/exif/1.0/aux/",
    "darktable": "http://darktable.sf.net/",
    "digiKam": "http://www.digikam.org/ns/1.0/",
    "MicrosoftPhoto": "http://ns.microsoft.com/photo/1.0/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "mwg-rs": "http://www.metadataworkinggroup.com/schemas/regions/",
    "stArea": "http://ns.adobe.com/xmp/sType/Area#",
    "stDim": "http://ns.adobe.com/xap/1.0/sType/Dimensions#",
}
_prefix_lock = threading.Lock()
_registered: dict[str, str] = {}  # prefix → URI, as told to ElementTree


def _register(prefix: str, uri: str) -> None:
    """Tell ElementTree a prefix, unless that would rename one already in use: its
    registry is process-wide, so a stray file must not change how another is written."""
    with _prefix_lock:
        if prefix in _registered or uri in _registered.values():
            return
        try:
            ET.register_namespace(prefix, uri)
        except ValueError:  # "ns0"-style prefixes are reserved by ElementTree
            return
        _registered[prefix] = uri


for _prefix, _uri in _KNOWN_PREFIXES.items():
    _register(_prefix, _uri)


class SidecarError(Exception):
    """An existing sidecar cannot be merged safely; it is left untouched."""


@dataclass(frozen=True, slots=True)
class Mark:
    """What photo-score wants in one photo's sidecar."""

    rating: int  # xmp:Rating: -1 rejected, 0 unrated, 1–5 stars
    label: str | None  # xmp:Label, None for no label
    score: float  # 0–100
    tier: str
    keeper: bool | None = None  # in a burst: is it the keeper; None when not in a burst


def mark_for(score: float, tier: str, keeper: bool | None, config: ScoringConfig) -> Mark:
    """A scored photo's mark: its tier's, or ``xmp_burst_others`` for a burst frame that
    is not the keeper (``keeper`` None: not in a burst)."""
    mark = xmp_for(tier, config, outranked=keeper is False)
    return Mark(mark.rating, mark.label, score, tier, keeper)


@dataclass(frozen=True, slots=True)
class SidecarOutcome:
    """What happened to one photo's sidecar."""

    photo: str
    sidecar: str
    status: Status
    rating: int | None = None  # the xmp:Rating the sidecar holds now
    label: str | None = None  # the xmp:Label it holds now
    kept: tuple[str, ...] = ()  # "rating", "label": left as the photographer set them
    error: str | None = None


@dataclass(slots=True)
class SidecarReport:
    """Every outcome of one writing pass, in the order the photos were given."""

    outcomes: list[SidecarOutcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def kept(self) -> int:
        """Sidecars where a hand-set rating or label was left alone."""
        return sum(1 for o in self.outcomes if o.kept)

    @property
    def failures(self) -> list[SidecarOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def counts(self) -> SidecarCounts:
        """The tallies every surface reports (the CLI's JSON, the app's API)."""
        return SidecarCounts(
            created=self.count("created"),
            updated=self.count("updated"),
            unchanged=self.count("unchanged"),
            skipped=self.count("skipped"),
            failed=self.count("failed"),
            kept=self.kept,
        )


class SidecarCounts(BaseModel):
    """What one writing pass did, counted."""

    created: int
    updated: int
    unchanged: int
    skipped: int = Field(description="JPEG twins of raw files: the raw's sidecar is theirs.")
    failed: int
    kept: int = Field(description="Sidecars whose hand-set rating or label was left alone.")


def sidecar_path(photo: str | os.PathLike[str], naming: Naming) -> Path:
    """``IMG_0001.xmp`` (adobe) or ``IMG_0001.CR3.xmp`` (darktable) beside the photo."""
    path = Path(photo)
    if naming == "adobe":
        return path.with_suffix(".xmp")
    if naming == "darktable":
        return path.with_name(path.name + ".xmp")
    raise UsageError(f"unknown sidecar naming {naming!r} (use {' or '.join(NAMINGS)})")


def write_sidecars(
    marks: Iterable[tuple[str, Mark]],
    *,
    naming: Naming,
    overwrite: bool = False,
    dry_run: bool = False,
    stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SidecarReport:
    """Write each photo's mark into its sidecar; one failure never stops the others.
    ``stop`` is asked before each file: when it answers True, the pass ends there (the
    report holds the files done so far), so a closing app does not wait for 50,000.
    ``progress`` is told ``(files done, files in all)`` after each file.

    Photos whose sidecars would be the same file under adobe naming: a raw file and its
    JPEG (or HEIC) twin share it as Lightroom does, the raw's mark written and the twin
    skipped; any other clash (``IMG_1.CR2`` and ``IMG_1.DNG``) fails both, with the reason,
    rather than let one overwrite the other's mark.
    ``dry_run`` reports what would change and writes nothing.
    """
    items = list(marks)
    targets = [sidecar_path(photo, naming) for photo, _ in items]
    sharing: dict[Path, list[str]] = defaultdict(list)
    for (photo, _), target in zip(items, targets, strict=True):
        sharing[target].append(photo)
    report = SidecarReport()
    for (photo, mark), target in zip(items, targets, strict=True):
        if stop is not None and stop():
            break
        others = [p for p in sharing[target] if p != photo]
        raws = [p for p in sharing[target] if Path(p).suffix.lower() in RAW_EXTENSIONS]
        if others and len(raws) == 1 and raws[0] != photo:
            # RAW+JPEG: Lightroom shows the pair as the raw file, whose sidecar this is.
            why = (
                f"shares {target.name} with the raw file {Path(raws[0]).name}, whose mark it holds"
            )
            report.outcomes.append(SidecarOutcome(photo, str(target), "skipped", error=why))
        elif others and len(raws) != 1:
            error = (
                f"{Path(others[0]).name} would share the sidecar {target.name}; "
                "use darktable naming (IMG.CR3.xmp) to give each photo its own"
            )
            report.outcomes.append(SidecarOutcome(photo, str(target), "failed", error=error))
        else:
            report.outcomes.append(
                write_sidecar(photo, mark, target=target, overwrite=overwrite, dry_run=dry_run)
            )
        if progress is not None:
            progress(len(report.outcomes), len(items))
    return report


def write_sidecar(
    photo: str,
    mark: Mark,
    *,
    target: Path,
    overwrite: bool = False,
    dry_run: bool = False,
) -> SidecarOutcome:
    """Merge ``mark`` into the sidecar at ``target``; errors become a failed outcome."""
    return _edit(photo, target, lambda tree: _merge(tree, mark, overwrite=overwrite), dry_run)


def set_hand_rating(photo: str, rating: int, *, naming: Naming) -> SidecarOutcome:
    """Record the photographer's own rating (−1 rejected, 1–5, 0 to clear) in the photo's
    sidecar, as Lightroom would: ``xmp:Rating``, everything else kept. It is also noted
    as theirs (``photoscore:UserRating``), so photo-score's later marks never replace it
    and taste learning counts it, even when it equals the rating photo-score chose."""
    if not -1 <= rating <= 5:
        raise UsageError(f"rating {rating}: use -1 (rejected), 0 (none) or 1–5 stars")
    value = None if rating == 0 else str(rating)

    def rate(tree: ET.Element) -> _Merged:
        descriptions = _descriptions(tree)
        now = _get(descriptions, NS_XMP, "Rating"), _get(descriptions, NS_PHOTOSCORE, "UserRating")
        if now != (value, value):
            _set(descriptions, NS_XMP, "Rating", value)
            _set(descriptions, NS_PHOTOSCORE, "UserRating", value)
        label = _get(descriptions, NS_XMP, "Label")
        return _Merged(now != (value, value), rating or None, label, ())

    return _edit(photo, sidecar_path(photo, naming), rate, dry_run=False)


def _edit(
    photo: str, target: Path, change: Callable[[ET.Element], _Merged], dry_run: bool
) -> SidecarOutcome:
    """Read the sidecar at ``target`` (or start one), let ``change`` edit it, and write it
    back only when something changed. Errors become a failed outcome naming the file."""
    try:
        existing = _read(target)
        tree = _parse(existing) if existing is not None else _new_tree()
        merged = change(tree)
        if not merged.changed:
            status: Status = "unchanged"
        else:
            status = "created" if existing is None else "updated"
            if not dry_run:
                _write(target, _serialize(tree, existing), durable=existing is not None)
    except (OSError, SidecarError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return SidecarOutcome(photo, str(target), "failed", error=f"{target.name}: {reason}")
    return SidecarOutcome(
        photo, str(target), status, rating=merged.rating, label=merged.label, kept=merged.kept
    )


def hand_rating(photo: str) -> tuple[int, RatingSource] | None:
    """The star rating the photographer gave a photo (−1 rejected, 1–5), if any.

    From its sidecar (either naming) unless photo-score wrote that rating, else from the
    XMP inside the file (Lightroom, Bridge and many cameras put it there for JPEG and
    TIFF). 0 means unrated. A sidecar or file that cannot be read counts as no rating.
    """
    for naming in NAMINGS:
        try:
            existing = _read(sidecar_path(photo, naming))
            if existing is None:
                continue
            descriptions = _descriptions(_parse(existing, for_writing=False))
        except (OSError, SidecarError):
            continue
        rating = _as_rating(_get(descriptions, NS_XMP, "Rating"))
        ours = _as_rating(_get(descriptions, NS_PHOTOSCORE, "Rating"))
        theirs = _as_rating(_get(descriptions, NS_PHOTOSCORE, "UserRating"))
        if rating is not None and rating != 0 and (rating != ours or rating == theirs):
            return max(-1, min(5, rating)), "sidecar"
    embedded = _embedded_rating(photo)
    return None if embedded is None else (embedded, "embedded")


def _embedded_rating(photo: str) -> int | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(photo) as im:  # reads the headers only
                data = im.info.get("xmp")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, bytes) or not data.strip():
        return None
    try:
        rating = _as_rating(
            _get(_descriptions(_parse(data.strip(b"\x00 \n"), for_writing=False)), NS_XMP, "Rating")
        )
    except SidecarError:
        return None
    return None if rating is None or rating == 0 else max(-1, min(5, rating))


def read_sidecar(target: str | os.PathLike[str]) -> tuple[int | None, str | None]:
    """The ``xmp:Rating`` and ``xmp:Label`` a sidecar holds (None where absent)."""
    existing = _read(Path(target))
    if existing is None:
        return None, None
    descriptions = _descriptions(_parse(existing, for_writing=False))
    return _as_rating(_get(descriptions, NS_XMP, "Rating")), _get(descriptions, NS_XMP, "Label")


# --- merging --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Merged:
    changed: bool
    rating: int | None
    label: str | None
    kept: tuple[str, ...]


def _merge(root: ET.Element, mark: Mark, *, overwrite: bool) -> _Merged:
    """Set the mark and photo-score's fields in place; hand-set marks win unless
    ``overwrite``."""
    descriptions = _descriptions(root)
    changed = False
    kept: list[str] = []

    def put(ns: str, name: str, value: str | None) -> None:
        nonlocal changed
        if _get(descriptions, ns, name) != value:
            _set(descriptions, ns, name, value)
            changed = True

    rating_now = _get(descriptions, NS_XMP, "Rating")
    rating_ours = _get(descriptions, NS_PHOTOSCORE, "Rating")
    # Rated in the app (set_hand_rating): the photographer's, even when it equals ours.
    rated_here = rating_now is not None and rating_now == _get(
        descriptions, NS_PHOTOSCORE, "UserRating"
    )
    if overwrite or (not rated_here and _ours_to_change(rating_now, rating_ours, unset=("0",))):
        put(NS_XMP, "Rating", str(mark.rating))
        put(NS_PHOTOSCORE, "UserRating", None)
    else:
        kept.append("rating")

    # photoscore:Label holds "" when photo-score wrote no label.
    label_now = _get(descriptions, NS_XMP, "Label")
    label_ours = _get(descriptions, NS_PHOTOSCORE, "Label")
    if overwrite or _ours_to_change(label_now, label_ours, unset=("",)):
        put(NS_XMP, "Label", mark.label or None)
    else:
        kept.append("label")

    put(NS_PHOTOSCORE, "Rating", str(mark.rating))
    put(NS_PHOTOSCORE, "Label", mark.label or "")
    put(NS_PHOTOSCORE, "Score", f"{mark.score:.1f}")
    put(NS_PHOTOSCORE, "Tier", mark.tier)
    put(NS_PHOTOSCORE, "Keeper", None if mark.keeper is None else str(mark.keeper))
    return _Merged(
        changed,
        _as_rating(_get(descriptions, NS_XMP, "Rating")),
        _get(descriptions, NS_XMP, "Label"),
        tuple(kept),
    )


def _ours_to_change(now: str | None, ours: str | None, *, unset: Sequence[str]) -> bool:
    """A mark may change when nobody set it, or when it is still what photo-score wrote."""
    if now is None or now.strip() in unset:
        return True
    # Set by someone else: before photo-score ever wrote here (``ours`` None) or since.
    return ours is not None and now.strip() == ours.strip()


def _as_rating(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return round(float(value))
    except ValueError:
        return None


# --- the XML ----------------------------------------------------------------------------


def _read(target: Path) -> bytes | None:
    """The sidecar's bytes, or None when there is none yet (or an empty one)."""
    try:
        size = target.stat().st_size
    except FileNotFoundError:
        return None
    if size == 0 and target.is_file():
        return None
    if target.is_dir():
        raise SidecarError("a folder has the sidecar's name")
    if size > MAX_SIDECAR_BYTES:
        raise SidecarError(f"{size} bytes is too big for a sidecar; left untouched")
    return target.read_bytes()


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parse(data: bytes, *, for_writing: bool = True) -> ET.Element:
    """Parse a sidecar, keeping comments and processing instructions inside it; for
    writing, also learn its namespace prefixes so they are written back as they were."""
    if _DTD.search(data):  # XMP has no DTDs; one here can only be an entity trick
        raise SidecarError("the existing sidecar declares a DTD; left untouched")
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True, insert_pis=True))
    try:
        if for_writing:
            for _event, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
                if prefix:
                    _register(prefix, uri)
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        raise SidecarError(
            f"the existing sidecar is not valid XML ({exc}); left untouched"
        ) from exc
    if root.tag != f"{{{NS_RDF}}}RDF" and root.find(f".//{{{NS_RDF}}}RDF") is None:
        raise SidecarError("the existing file is not XMP (no rdf:RDF); left untouched")
    return root


def _new_tree() -> ET.Element:
    meta = ET.Element(f"{{{NS_X}}}xmpmeta", {f"{{{NS_X}}}xmptk": "photo-score"})
    rdf = ET.SubElement(meta, f"{{{NS_RDF}}}RDF")
    ET.SubElement(rdf, f"{{{NS_RDF}}}Description", {f"{{{NS_RDF}}}about": ""})
    return meta


def _descriptions(root: ET.Element) -> list[ET.Element]:
    """The top-level rdf:Description elements (created when there is none)."""
    rdf = root if root.tag == f"{{{NS_RDF}}}RDF" else root.find(f".//{{{NS_RDF}}}RDF")
    assert rdf is not None  # _parse and _new_tree guarantee one
    found = rdf.findall(f"{{{NS_RDF}}}Description")
    if not found:
        found = [ET.SubElement(rdf, f"{{{NS_RDF}}}Description", {f"{{{NS_RDF}}}about": ""})]
    return found


def _get(descriptions: Sequence[ET.Element], ns: str, name: str) -> str | None:
    """A simple property, written either as an attribute or as a child element."""
    key = f"{{{ns}}}{name}"
    for d in descriptions:
        if key in d.attrib:
            return d.attrib[key]
        child = d.find(key)
        if child is not None:
            return (child.text or "").strip()
    return None


def _set(descriptions: Sequence[ET.Element], ns: str, name: str, value: str | None) -> None:
    """Set (or, for None, remove) a simple property where it already is, else as an
    attribute of the first description, the compact form Adobe writes."""
    key = f"{{{ns}}}{name}"
    for d in descriptions:
        if key in d.attrib:
            if value is None:
                del d.attrib[key]
            else:
                d.attrib[key] = value
            return
        child = d.find(key)
        if child is not None:
            if value is None:
                d.remove(child)
            else:
                child.text = value
            return
    if value is not None:
        descriptions[0].set(key, value)


_XPACKET = re.compile(rb"<\?xpacket\s+begin=")


def _serialize(root: ET.Element, existing: bytes | None) -> bytes:
    if existing is None:
        ET.indent(root, space=" ")
    body = ET.tostring(root, encoding="unicode")
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
    if existing is not None and _XPACKET.search(existing):
        # Keep the packet wrapper some writers put around a sidecar's XMP.
        text = (
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
            + body
            + '\n<?xpacket end="w"?>\n'
        )
    return text.encode("utf-8")


def _write(target: Path, data: bytes, *, durable: bool) -> None:
    """Replace the sidecar atomically, keeping an existing file's permissions.

    ``durable``: flush to disk before the rename, so a crash cannot swap what another app
    wrote for an empty file. A new sidecar skips it (a third of the time per file): a
    crash can at worst leave it empty, and an empty sidecar is read as none.
    """
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
