"""One atomic file writer: a file appears whole, with its new content, or not at all.

:func:`atomic_path` (a context manager) gives a temporary path in the target's own directory (so the
final :func:`os.replace` is a rename on one file system); on a clean exit the temporary file is flushed to
disk (fsync), renamed over the target and the directory entry synced; on any exception (including
KeyboardInterrupt) the temporary file is removed and the target is untouched. No ``.tmp`` file is ever
left behind by a failure in Python (a SIGKILL can leave one, named ``.<name>.<random>.tmp<suffix>``; the next
successful write does not depend on it).

:func:`write_atomic` is the same for a writer function: ``write_atomic(path, lambda tmp: frame.to_csv(tmp))``.
:func:`write_text_atomic` and :func:`write_bytes_atomic` cover the common cases.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["atomic_path", "fsync_dir", "fsync_file", "write_atomic", "write_bytes_atomic", "write_text_atomic"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_MODE = 0o666 & ~_umask()  # what open() would give a new file (read once, at import)


def fsync_file(path: str | os.PathLike) -> None:
    """Flush `path`'s content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(directory: str | os.PathLike) -> None:
    """Flush a directory's entries (a rename inside it) to disk, where the platform allows it."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse fsync on directories
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path beside `target`; renamed over it when the block ends without an exception.

    `suffix` is kept at the end of the temporary name (default: the target's own suffix, so writers that
    pick a format from the file name, e.g. matplotlib or pandas, still do).
    """
    target = Path(target)
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    ending = target.suffix if suffix is None else suffix
    fd, name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=f".tmp{ending}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"the writer did not create {target.name}")
        fsync_file(tmp)
        os.chmod(tmp, os.stat(target).st_mode & 0o7777 if target.exists() else _MODE)  # mkstemp made it 0600
        os.replace(tmp, target)
        fsync_dir(directory)
    except BaseException:
        _remove(tmp)
        raise


def write_atomic(target: str | os.PathLike, writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and rename the result over `target` atomically; returns `target`."""
    with atomic_path(target) as tmp:
        writer(tmp)
    return Path(target)


def write_bytes_atomic(target: str | os.PathLike, data: bytes) -> Path:
    return write_atomic(target, lambda tmp: tmp.write_bytes(data))


def write_text_atomic(target: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    return write_atomic(target, lambda tmp: tmp.write_text(text, encoding=encoding))
