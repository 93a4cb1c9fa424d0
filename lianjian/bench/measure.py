"""Measuring one stage: wall time and peak memory, each run in a forked child.

A child starts with what the parent holds (the parsed ledger, the embedded graph),
resets the kernel's peak-RSS counter, runs the stage and reports seconds, the peak
resident memory above where it started, and a small JSON summary of what the stage
returned. Runs therefore never share warmed caches or garbage, and the memory of one
stage is not hidden by an earlier, larger one.

>>> r = forked(lambda: sum(range(1000)))
>>> r["value"], r["seconds"] >= 0
(499500, True)
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["forked", "repeat", "proc_status_mib", "reset_peak", "summary"]


def proc_status_mib(field: str, pid: int | str = "self") -> float:
    """A memory line of /proc/PID/status (``VmRSS``, ``VmHWM``…) in MiB; 0 where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak() -> bool:
    """Reset this process's peak RSS (``VmHWM``) to its current RSS, where the kernel allows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _child(fn: Callable[[], Any]) -> dict[str, Any]:
    gc.collect()
    reset = reset_peak()
    base = proc_status_mib("VmRSS")
    t0 = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - t0
    hwm = proc_status_mib("VmHWM")
    return {
        "seconds": seconds,
        "peak_mib": round(hwm - base, 1) if reset else None,
        "rss_mib": round(hwm, 1),
        "value": value,
    }


def forked(fn: Callable[[], Any], timeout: float | None = None) -> dict[str, Any]:
    """Run ``fn`` in a forked child; ``{"seconds", "peak_mib", "rss_mib", "value"}`` or
    ``{"error"}``. ``fn`` must return something JSON can carry (keep it small)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(r)
        try:
            payload = json.dumps(_child(fn), default=str)
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            payload = json.dumps({"error": f"{e.__class__.__name__}: {e}"[:2000]})
        with os.fdopen(w, "w") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(w)
    deadline = None if timeout is None else time.monotonic() + timeout
    with os.fdopen(r) as fh:
        if deadline is not None:
            import select

            ready, _, _ = select.select([fh], [], [], timeout)
            if not ready:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return {"error": f"over {timeout:.0f} s"}
        text = fh.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else {"error": "the child died without a result"}


def repeat(fn: Callable[[], Any], n: int, timeout: float | None = None) -> dict[str, Any]:
    """``n`` forked runs of ``fn`` summarised (:func:`summary`)."""
    return summary([forked(fn, timeout) for _ in range(max(1, n))])


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median and spread (max − min) of seconds, the largest peak, and the last value."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[-1]["error"], "runs": len(runs)}
    secs = [r["seconds"] for r in ok]
    peaks = [r["peak_mib"] for r in ok if r.get("peak_mib") is not None]
    return {
        "median_s": round(statistics.median(secs), 4),
        "spread_s": round(max(secs) - min(secs), 4),
        "runs": len(ok),
        "peak_mib": max(peaks) if peaks else None,
        "rss_mib": max(r["rss_mib"] for r in ok),
        "value": ok[-1]["value"],
        **({"errors": len(runs) - len(ok)} if len(ok) < len(runs) else {}),
    }
