"""The exit code of the command that last worked on a job, written into the job's manifest when it ends.

0 when the command succeeded, the error's own code when it raised one, 130 for Ctrl-C. A process killed
with -9 writes nothing: the manifest keeps ``exitCode: null`` (a command was working on it and never said
how it ended), which is the honest answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from reelforge.errors import ReelforgeError


@contextmanager
def exit_code_recorded(record: Callable[[int], None]) -> Iterator[None]:
    try:
        yield
    except ReelforgeError as exc:
        with suppress(OSError, ReelforgeError):  # the error being raised matters more than its record
            record(exc.exit_code)
        raise
    except KeyboardInterrupt:
        with suppress(OSError, ReelforgeError):
            record(130)
        raise
    else:
        record(0)
