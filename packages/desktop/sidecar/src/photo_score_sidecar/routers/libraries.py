from __future__ import annotations

import os

from fastapi import APIRouter, Response, status

from photo_score.catalog import folder_counts
from photo_score_sidecar.deps import SidecarDep
from photo_score_sidecar.schemas import AddFolder, LibraryFolderOut

router = APIRouter(prefix="/libraries", tags=["libraries"])


@router.get("")
def list_folders(sidecar: SidecarDep) -> list[LibraryFolderOut]:
    """The library's folders with their photo counts."""
    counts = folder_counts(sidecar.ranked())
    return [
        LibraryFolderOut(
            id=f.id,
            path=f.path,
            name=os.path.basename(f.path) or f.path,
            added_at=f.added_at,
            exists=f.exists,
            photo_count=counts.get(f.id, (0, 0))[0],
            scored_count=counts.get(f.id, (0, 0))[1],
        )
        for f in sidecar.library.folders()
    ]


@router.post("", status_code=status.HTTP_201_CREATED)
def add_folder(body: AddFolder, sidecar: SidecarDep) -> LibraryFolderOut:
    """Add a folder (idempotent). Scan and score it with ``POST /api/jobs``."""
    folder = sidecar.library.add(body.path)
    sidecar.library_changed()
    total, scored = folder_counts(sidecar.ranked()).get(folder.id, (0, 0))
    return LibraryFolderOut(
        id=folder.id,
        path=folder.path,
        name=os.path.basename(folder.path) or folder.path,
        added_at=folder.added_at,
        exists=folder.exists,
        photo_count=total,
        scored_count=scored,
    )


@router.delete("/{folder_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_folder(folder_id: int, sidecar: SidecarDep) -> Response:
    """Remove a folder from the library; its cached results stay (nothing is deleted)."""
    sidecar.library.remove(folder_id)
    sidecar.library_changed()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
