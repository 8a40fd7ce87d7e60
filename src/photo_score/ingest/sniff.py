"""Name what a file really contains from its first bytes, for error messages.

"not a recognised image: content is PDF but extension is .jpg" tells the photographer what
happened; "cannot identify image file" does not.
"""

from __future__ import annotations

IMAGE_KINDS: frozenset[str] = frozenset(
    {"JPEG", "PNG", "GIF", "WebP", "TIFF", "HEIF", "AVIF", "BMP"}
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"IIRO", "RAW (Olympus ORF)"),
    (b"IIU\x00", "RAW (Panasonic RW2)"),
    (b"FUJIFILMCCD-RAW", "RAW (Fujifilm RAF)"),
    (b"BM", "BMP"),
    (b"8BPS", "Photoshop PSD"),
    (b"%PDF", "PDF"),
    (b"%!PS", "PostScript"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
)

_FTYP_BRANDS: dict[bytes, str] = {
    b"heic": "HEIF",
    b"heix": "HEIF",
    b"hevc": "HEIF",
    b"heim": "HEIF",
    b"heis": "HEIF",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
    b"crx ": "RAW (Canon CR3)",
    b"qt  ": "QuickTime video",
    b"M4A ": "MPEG-4 audio",
}


def sniff(head: bytes) -> str:
    """A short human name for the content type, or "unknown"."""
    if not head:
        return "empty"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12], "MPEG-4 video")
    if head.startswith(b"RIFF") and len(head) >= 12:
        return {b"WEBP": "WebP", b"AVI ": "AVI video", b"WAVE": "WAV audio"}.get(
            head[8:12], "RIFF data"
        )
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return _text_kind(head)


def _text_kind(head: bytes) -> str:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the sample is still text.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return "unknown"
    if not text or not all(ch.isprintable() or ch in "\r\n\t\f" for ch in text):
        return "unknown"
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html")):
        return "HTML"
    if lowered.startswith(("<?xml", "<x:xmpmeta")):
        return "XML"
    return "text"
