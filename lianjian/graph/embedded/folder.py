"""A private folder of the user's: what the graph cache and the store of record keep
their files in. It must belong to the user and be writable by no one else; it is made
(and kept) mode 0700, since what it holds is personal data.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["shown", "owner_ok", "folder_problem", "private_folder"]


def shown(path: Path) -> str:
    """A path for a one-line message, control characters made visible."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in str(path))


def owner_ok(st: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or st.st_uid == os.getuid()


def folder_problem(directory: Path) -> str | None:
    """Why ``directory`` must not be used, or None when it is the user's own."""
    st = os.stat(directory)
    if not stat.S_ISDIR(st.st_mode):
        return "is not a folder"
    if not owner_ok(st):
        return f"belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o022:
        return f"can be written by others (mode {stat.S_IMODE(st.st_mode):04o})"
    return None


def private_folder(directory: Path) -> str | None:
    """Make ``directory`` (with its parents) if missing, mode 0700; None when it is the
    user's own (then set to 0700), else why not. ``OSError`` when it cannot be made."""
    if not directory.exists():
        directory.mkdir(parents=True, mode=0o700)
        os.chmod(directory, 0o700)
    problem = folder_problem(directory)
    if problem is None and stat.S_IMODE(os.stat(directory).st_mode) != 0o700:
        os.chmod(directory, 0o700)
    return problem
