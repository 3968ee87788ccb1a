"""Models that parcours derives from installed wheels once, then reuses: the user's cache.

The folder is ``$PARCOURS_CACHE``, else ``$XDG_CACHE_HOME/parcours``, else
``~/.cache/parcours``. An entry is built into a private temporary folder beside its final
place and renamed into place in one step, under a file lock: two processes that start at the
same time build it once, and a build that dies half-way leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from parcours.errors import VoiceError

__all__ = ["cache_dir", "cached"]


def cache_dir() -> Path:
    """Where parcours keeps the models it builds."""
    if os.environ.get("PARCOURS_CACHE"):
        return Path(os.environ["PARCOURS_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "parcours"


def cached(
    name: str, build: Callable[[Path], None], *, what: str, root: Path | None = None
) -> Path:
    """The folder ``name`` of the cache, made by ``build(folder)`` the first time.

    ``what`` names the model in the message printed on standard error while it builds.
    """
    root = root or cache_dir()
    target = root / name
    if target.is_dir():
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VoiceError(
            f"Cannot create the model cache {root}: {exc}. Set PARCOURS_CACHE to a writable folder."
        ) from exc
    with _locked(root / f"{name}.lock"):
        if target.is_dir():  # another process built it while we waited
            return target
        print(
            f"parcours: building {what} once (about half a minute); it is kept in {target}",
            file=sys.stderr,
            flush=True,
        )
        started = time.perf_counter()
        work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
        try:
            build(work)
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        seconds = time.perf_counter() - started
        print(f"parcours: {what} built in {seconds:.0f} s", file=sys.stderr, flush=True)
    return target


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` (POSIX ``flock``; elsewhere the atomic rename suffices)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
