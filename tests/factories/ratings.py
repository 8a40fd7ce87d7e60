"""A photographer's own star ratings, as another app would leave them in XMP sidecars."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from tests.factories.photos import make_camera_jpeg

# What Lightroom writes beside a raw file: one description per schema, properties as
# child elements, a packet wrapper, develop settings photo-score must not lose.
LIGHTROOM = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:acme="http://example.com/acme/1.0/"
   xmp:CreatorTool="Adobe Photoshop Lightroom Classic 13.2"
   crs:Exposure2012="+0.50"
   acme:Flag="kept">
   <!-- a comment another app left -->
   <dc:subject>
    <rdf:Bag>
     <rdf:li>beach</rdf:li>
     <rdf:li>family</rdf:li>
    </rdf:Bag>
   </dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
"""

# A sidecar as Lightroom or darktable writes it: a rating and no photo-score fields.
HAND_SIDECAR = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="{rating}"/></rdf:RDF></x:xmpmeta>"""


def write_hand_rating(photo: str | Path, stars: int) -> None:
    """Rate ``photo`` by hand: an Adobe-style sidecar beside it."""
    Path(photo).with_suffix(".xmp").write_text(HAND_SIDECAR.format(rating=stars), "utf-8")


def soft_and_sharp_shoot(folder: Path) -> Path:
    """24 small frames, a third of them soft to varying degrees: sharpness varies widely."""
    folder.mkdir(parents=True)
    for i in range(24):
        path = make_camera_jpeg(folder / f"IMG_{i:04d}.jpg", size=(480, 320), seed=i)
        if i % 3 == 0:
            with Image.open(path) as img:
                img.filter(ImageFilter.GaussianBlur(1 + i / 6)).save(path, quality=90)
    return folder


def rate_by(photos: Sequence[dict[str, Any]], attribute: str) -> None:
    """A photographer who rates by one attribute: five stars for its top fifth … one for
    its bottom fifth (``photos`` as the JSON or the API lists them)."""
    values = np.array([p["attributes"][attribute] for p in photos])
    stars = np.digitize(values, np.quantile(values, [0.2, 0.4, 0.6, 0.8])) + 1
    for photo, rating in zip(photos, stars.tolist(), strict=True):
        write_hand_rating(photo["path"], int(rating))
