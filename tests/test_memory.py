"""The batch pipeline keeps freed memory mapped instead of faulting it in per photo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from photo_score.memory import is_glibc, user_tuned_malloc

# Six 2.8 MB planes live at once, then freed together, as an analysis of a 1024 px preview
# does: glibc trims the freed top of its heap and the next round faults every page again.
_CHURN = """
import resource, sys
import numpy as np
from photo_score.memory import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory() and keep_freed_memory()
elif sys.argv[1] == "user":
    assert not keep_freed_memory()
def one_photo():
    planes = [np.ones((683, 1024), np.float32) for _ in range(6)]
    return sum(float(p[0, 0]) for p in planes)
for _ in range(3):
    one_photo()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    one_photo()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str, **env: str) -> int:
    src = str(Path(__file__).resolve().parent.parent / "src")
    out = subprocess.run(
        [sys.executable, "-c", _CHURN, mode],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src, "PATH": "/usr/bin:/bin", **env},
    )
    return int(out.stdout.strip())


@pytest.mark.skipif(not is_glibc(), reason="the thresholds are glibc's; other libcs keep defaults")
def test_freed_arrays_are_reused_without_page_faults() -> None:
    default, kept = _faults("default"), _faults("keep")
    # 20 rounds × 6 planes × ~680 pages: the default allocator faults thousands of pages.
    assert default > 5_000
    assert kept < 200


@pytest.mark.skipif(not is_glibc(), reason="the thresholds are glibc's; other libcs keep defaults")
def test_the_users_own_malloc_tuning_wins() -> None:
    """Someone who set glibc's malloc variables gets exactly what they asked for."""
    assert user_tuned_malloc({"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=1"})
    assert user_tuned_malloc({"MALLOC_TRIM_THRESHOLD_": "131072"})
    assert not user_tuned_malloc({"GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2", "HOME": "/"})
    # The user asks for glibc's defaults explicitly: pages are faulted in again, as asked.
    assert _faults("user", MALLOC_TRIM_THRESHOLD_="131072") > 5_000
