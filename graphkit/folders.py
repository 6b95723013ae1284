"""Writing a folder all or nothing: the work goes to a temporary folder beside the destination,
which replaces the destination only when everything succeeded (:func:`swap_into_place`), so
readers never see a half-written build or import."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def temporary_beside(out_dir: Path) -> Path:
    """A new empty folder next to ``out_dir`` (same file system, so the final rename is atomic)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))


def swap_into_place(tmp: Path, out_dir: Path) -> None:
    """Replace ``out_dir`` by ``tmp`` with renames; the old folder is removed afterwards."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
