"""Runs the evidence sanitiser (sandbox_worker.py) in its own process, within a deadline.

One process per declaration, started with an isolated interpreter (`-I -P`: no environment, no user
site, nothing from the current folder) and an empty environment. It limits its own memory and CPU time;
this side kills it before the deadline (EVIDENCE_SANITISE_SECONDS, wall clock, counted from when the
web worker starts reading the uploads), keeping a reserve to kill and reap it, so no upload holds a web
worker longer than that, whatever the files do to the decoders. What comes back is read as data only
(framed bytes and a small JSON per refusal, never pickled objects) and checked again by its type.
"""

from __future__ import annotations

import json
import logging
import math
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

WORKER = Path(__file__).with_name("sandbox_worker.py")
READ_CHUNK = 256 * 1024
REFUSAL_MAX = 4096
CODES = {"unreadable", "password", "no_page", "pages", "pixels", "total_pixels", "memory"}
# Share of the deadline kept to kill and reap the process and read its answer: on a busy 2-core machine
# that took up to 0.13 s after a 2 s deadline (README, "Security").
KILL_RESERVE_SHARE, KILL_RESERVE_MAX = 0.1, 0.25
# Codes this side adds: the deadline passed while the file was being cleaned, before it was reached,
# or the process ended without a word (killed by its own limits, or it could not start).
TIMEOUT, NOT_REACHED, FAILED = "timeout", "not_reached", "failed"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    kind: str  # "image", "pdf", or "thumbnail" (a small JPEG of a stored copy)
    format: str  # PNG, JPEG, WEBP, GIF or PDF
    raw: bytes


@dataclass(frozen=True)
class Outcome:
    data: bytes | None = None
    code: str = ""
    params: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.data is not None


def worker_limits() -> dict[str, int]:
    seconds = float(settings.EVIDENCE_SANITISE_SECONDS)
    return {
        "memory_bytes": int(settings.EVIDENCE_SANITISE_MEMORY_MB) * 1024 * 1024,
        "cpu_seconds": max(1, math.ceil(seconds)),
        "max_pixels": int(settings.EVIDENCE_MAX_PIXELS),
        "max_total_pixels": int(settings.EVIDENCE_MAX_TOTAL_PIXELS),
        "pdf_max_pages": int(settings.EVIDENCE_PDF_MAX_PAGES),
    }


def work_deadline(started: float) -> float:
    """When the process is killed: EVIDENCE_SANITISE_SECONDS after `started`, less the reserve for killing
    and reaping it, so the web worker is free again within EVIDENCE_SANITISE_SECONDS."""
    seconds = float(settings.EVIDENCE_SANITISE_SECONDS)
    return started + seconds - min(seconds * KILL_RESERVE_SHARE, KILL_RESERVE_MAX)


def sanitise(items: list[Item], *, started: float | None = None, report: dict | None = None) -> list[Outcome]:
    """Clean copies of `items` (same order), or the reason each one was refused.

    `started` is when the web worker began on this upload (time.monotonic(); now when not given).
    `report`, when given, receives the wall time, and the process's peak memory and CPU time (bench).
    """
    if not items:
        return []
    started = time.monotonic() if started is None else started
    deadline = work_deadline(started)
    header = json.dumps(
        {
            "limits": worker_limits(),
            "files": [{"kind": item.kind, "format": item.format, "size": len(item.raw)} for item in items],
        }
    ).encode()
    buffers = [struct.pack(">I", len(header)) + header, *(item.raw for item in items)]
    cap = len(items) * (int(settings.EVIDENCE_MAX_BYTES) + REFUSAL_MAX + 5)
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-P", str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C.UTF-8"},
            cwd=WORKER.parent,
            close_fds=True,
        )
    except OSError:
        logger.exception("evidence sanitiser could not start")
        return [Outcome(code=FAILED)] * len(items)
    output, timed_out = bytearray(), False
    try:
        output, timed_out = _exchange(process, buffers, deadline, cap)
        timed_out = timed_out or not _wait(process, deadline)
    except OSError:
        logger.exception("evidence sanitiser: the exchange failed")
        output = bytearray()
    finally:
        if process.returncode is None:
            process.kill()
            # The system may take a while to free a killed process's memory: reaped off the request.
            threading.Thread(target=process.wait, name="evidence-sanitiser-reaper", daemon=True).start()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()
    outcomes, usage = _read_frames(output, len(items))
    del output
    elapsed = time.monotonic() - started
    if report is not None:
        report.update(seconds=elapsed, **usage)
    missing = len(items) - len(outcomes)
    if missing:
        logger.warning(
            "evidence sanitiser stopped after %d of %d files (%s, exit %s, %.2f s)",
            len(outcomes),
            len(items),
            "deadline" if timed_out else "ended",
            process.returncode,
            elapsed,
        )
        outcomes.append(Outcome(code=TIMEOUT if timed_out else FAILED))
        outcomes.extend([Outcome(code=NOT_REACHED)] * (missing - 1))
    return outcomes


def _wait(process: subprocess.Popen, deadline: float) -> bool:
    """Reap the process by the deadline; True if it ended."""
    try:
        process.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        return False
    return True


def _exchange(
    process: subprocess.Popen, buffers: list[bytes], deadline: float, cap: int
) -> tuple[bytearray, bool]:
    """Feed the input and collect the output until the process closes it, the deadline or the cap."""
    stdin, stdout = process.stdin, process.stdout
    os.set_blocking(stdin.fileno(), False)
    pending = [memoryview(buffer) for buffer in buffers if buffer]
    output = bytearray()
    with selectors.DefaultSelector() as selector:
        selector.register(stdin, selectors.EVENT_WRITE)
        selector.register(stdout, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return output, True
            for key, _events in selector.select(remaining):
                if key.fileobj is stdin:
                    try:
                        written = os.write(stdin.fileno(), pending[0][:READ_CHUNK])
                        pending[0] = pending[0][written:]
                        if not pending[0]:
                            pending.pop(0)
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        pending.clear()
                    if not pending:
                        selector.unregister(stdin)
                        stdin.close()
                else:
                    data = os.read(stdout.fileno(), READ_CHUNK)
                    if not data:
                        selector.unregister(stdout)
                        continue
                    output += data
                    if len(output) > cap:
                        logger.warning("evidence sanitiser wrote more than it may: stopped")
                        process.kill()
                        return bytearray(), False
    return output, False


def _read_frames(output: bytearray, expected: int) -> tuple[list[Outcome], dict[str, float]]:
    """The complete frames at the start of `output` (a cut-off last frame counts as missing), and what the
    process reported of itself in its last frame (peak memory, CPU time; zeros when it did not get there)."""
    outcomes: list[Outcome] = []
    usage = {"peak_rss_bytes": 0, "cpu_seconds": 0.0}
    view = memoryview(output)
    position = 0
    while position + 5 <= len(view):
        status = bytes(view[position : position + 1])
        (length,) = struct.unpack(">I", view[position + 1 : position + 5])
        if position + 5 + length > len(view):
            break
        body = bytes(view[position + 5 : position + 5 + length])
        position += 5 + length
        if status == b"o" and len(outcomes) < expected:
            outcomes.append(Outcome(data=body))
        elif status == b"e" and len(outcomes) < expected:
            outcomes.append(_refusal(body))
        elif status == b"m" and len(outcomes) == expected and length <= 256:
            try:
                reported = json.loads(body)
                usage = {
                    "peak_rss_bytes": int(reported["peak_rss_bytes"]),
                    "cpu_seconds": float(reported["cpu_seconds"]),
                }
            except (ValueError, KeyError, TypeError):
                pass
            break
        else:
            break
    view.release()
    return outcomes, usage


def _refusal(body: bytes) -> Outcome:
    try:
        data = json.loads(body) if len(body) <= REFUSAL_MAX else {}
        code = data.get("code")
        params = {str(k): int(v) for k, v in (data.get("params") or {}).items() if isinstance(v, int)}
    except (ValueError, AttributeError, TypeError):
        code, params = None, {}
    return Outcome(code=code if code in CODES else "unreadable", params=params)
