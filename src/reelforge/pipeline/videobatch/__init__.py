"""`reelforge video batch jobs.jsonl`: many videos from one JSONL file, on the local machine or on Ray.

jobs.py validates every line before anything runs; plan.py prices them under one guardrail and finds the
lines a previous batch already made; runner.py runs the rest on an engine (engines.py: local, ray) and keeps
the summary manifest (summary.py) current after every change.
"""

from reelforge.pipeline.videobatch.jobs import BatchLine, load_jobs
from reelforge.pipeline.videobatch.runner import BatchRequest, BatchResult, run_batch

__all__ = ["BatchLine", "BatchRequest", "BatchResult", "load_jobs", "run_batch"]
