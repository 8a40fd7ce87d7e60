"""Desktop sidecar for photo-score: the local API and UI server on 127.0.0.1.

A thin shell over the core library: routers call one core function each.
"""

from photo_score_sidecar.app import create_app
from photo_score_sidecar.info import SidecarInfo, read_info
from photo_score_sidecar.server import SidecarServer

__all__ = ["SidecarInfo", "SidecarServer", "create_app", "read_info"]
