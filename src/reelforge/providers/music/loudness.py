"""Loudness and sample peak of a music bed, in numpy: integrated loudness is media/bs1770.py's meter
(ITU-R BS.1770-4 / EBU R128, LUFS, measured against ffmpeg's ebur128 filter in tests/test_bs1770.py)."""

from __future__ import annotations

import numpy as np

from reelforge.media.bs1770 import RATE, integrated_lufs

__all__ = ["RATE", "integrated_lufs", "sample_peak_db"]


def sample_peak_db(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(samples))) if samples.size else 0.0
    return 20 * np.log10(peak) if peak > 0 else float("-inf")
