"""Pre-publish checks of a rendered video against a platform's limits (`reelforge check`)."""

from reelforge.check.model import CheckReport, CheckResult
from reelforge.check.runner import run_check

__all__ = ["CheckReport", "CheckResult", "run_check"]
