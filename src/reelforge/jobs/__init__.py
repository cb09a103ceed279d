"""The one job kernel for every paid or async call: image jobs, render jobs and generated scene stills.

``states`` (the state machine), ``attempts`` (the append-only attempt log, with ``owner`` telling a live
submitter from a dead one), ``submit`` (what a failed submit means), ``retry`` (backoff, jitter,
Retry-After, per-vendor gates), ``poll`` (the poll loop), ``cost`` (the estimate guard) and ``vault``
(signed output URLs until the files are on disk). The runners in ``batch`` and ``renders`` add only what
is specific to their records.
"""
