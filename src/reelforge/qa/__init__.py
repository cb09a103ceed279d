"""Human QA records for renders (creative QA): a person's verdict, never the machine's."""

from reelforge.qa.record import ISSUE_CATEGORIES, RERUN_STAGES, VERDICTS, record_qa

__all__ = ["ISSUE_CATEGORIES", "RERUN_STAGES", "VERDICTS", "record_qa"]
