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
import select
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "best",
    "forked",
    "median_run",
    "Peak",
    "repeat",
    "proc_status_mib",
    "reset_peak",
    "summary",
]


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


class Peak:
    """The peak resident memory from now on: garbage collected, the kernel's peak counter
    reset, the resident size noted as the base."""

    def __init__(self) -> None:
        gc.collect()
        self.reset = reset_peak()
        self.base_mib = proc_status_mib("VmRSS")

    def hwm_mib(self) -> float:
        """The process's peak resident memory (MiB)."""
        return proc_status_mib("VmHWM")

    def above_mib(self) -> float | None:
        """The peak above the base (MiB); None where the counter could not be reset."""
        return self.hwm_mib() - self.base_mib if self.reset else None


def best(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs of ``fn`` in this process: (seconds, the last value)."""
    seconds, value = float("inf"), None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        value = fn()
        seconds = min(seconds, time.perf_counter() - t0)
    return seconds, value


def _child(fn: Callable[[], Any]) -> dict[str, Any]:
    peak = Peak()
    t0 = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - t0
    above = peak.above_mib()
    return {
        "seconds": seconds,
        "peak_mib": None if above is None else round(above, 1),
        "rss_mib": round(peak.hwm_mib(), 1),
        "value": value,
    }


def forked(
    fn: Callable[[], Any],
    timeout: float | None = None,
    setup: Callable[[], Callable[[], Any]] | None = None,
) -> dict[str, Any]:
    """Run ``fn`` in a forked child; ``{"seconds", "peak_mib", "rss_mib", "value"}`` or
    ``{"error"}``. ``fn`` must return something JSON can carry (keep it small).
    ``setup``: made in the child first, untimed, and it returns the stage to run instead
    of ``fn`` (a ledger parsed in the child, where the parent holds none); the peak is
    then above what the setup left."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(r)
        try:
            payload = json.dumps(_child(setup() if setup else fn), default=str)
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            payload = json.dumps({"error": f"{e.__class__.__name__}: {e}"[:2000]})
        with os.fdopen(w, "w") as fh:
            fh.write(payload)
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        if timeout is not None:
            ready, _, _ = select.select([fh], [], [], timeout)
            if not ready:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                return {"error": f"over {timeout:.0f} s"}
        text = fh.read()
    os.waitpid(pid, 0)
    return json.loads(text) if text else {"error": "the child died without a result"}


def repeat(
    fn: Callable[[], Any],
    n: int,
    timeout: float | None = None,
    setup: Callable[[], Callable[[], Any]] | None = None,
) -> dict[str, Any]:
    """``n`` forked runs of ``fn`` (or of what ``setup`` makes) summarised (:func:`summary`)."""
    return summary([forked(fn, timeout, setup) for _ in range(max(1, n))])


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


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median ``seconds`` among those without an error (the last run when all
    failed), with ``runs`` (how many succeeded) and, over several, ``spread_s``."""
    ok = sorted((r for r in runs if "error" not in r), key=lambda r: r["seconds"])
    r = dict(ok[len(ok) // 2] if ok else runs[-1])
    if len(ok) > 1:
        r["spread_s"] = round(ok[-1]["seconds"] - ok[0]["seconds"], 2)
    r["runs"] = len(ok)
    return r
