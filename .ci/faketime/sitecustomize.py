"""Loaded (through PYTHONPATH) by every Python process of CI's moved-clock pass.

Debian's libfaketime 0.9.10 shifts the deadline of clock_nanosleep(CLOCK_MONOTONIC,
TIMER_ABSTIME) by the fake offset even with FAKETIME_DONT_FAKE_MONOTONIC=1, and Python's
time.sleep sleeps that way, so every sleep fails with EINVAL. Faking the monotonic clock too is
no way out: lock and event waits (sem_clockwait, which that libfaketime does not wrap) would
then wait for the offset. So the monotonic clock stays real, and time.sleep waits on an event.
"""

import threading
import time


def _sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    threading.Event().wait(seconds)


time.sleep = _sleep
