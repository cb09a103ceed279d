"""Integrated loudness (ITU-R BS.1770-4 / EBU R128, LUFS) of 48 kHz float audio, in numpy, fed in chunks.

The K-weighting filter is the standard's two biquads (48 kHz coefficients, as published in BS.1770-4),
applied as a FIR of their impulse response, which has decayed below -170 dB by 4096 taps, by FFT
overlap-add, so no scipy is needed and a chunk costs two small FFTs per channel. Blocks are 400 ms every
100 ms, gated at -70 LUFS and then 10 LU under the mean, as the standard says.

ffmpeg's ebur128 filter does the same job at ~0.4 CPU-s a minute of stereo, mostly in the filter itself;
this meter costs ~0.12 CPU-s a minute of stereo and agrees with ebur128 within 0.05 LU
(tests/test_bs1770.py).
"""

from __future__ import annotations

import numpy as np

RATE = 48000
METER_VERSION = "bs1770-numpy/1"  # change when the meter reads a different number (cached mixes are keyed by it)
_SHELF = ((1.53512485958697, -2.69169618940638, 1.19839281085285), (1.0, -1.69065929318241, 0.73248077421585))
_HIGHPASS = ((1.0, -2.0, 1.0), (1.0, -1.99004745483398, 0.99007225036621))
TAPS = 4096
_FFT = 1 << 16
_CHUNK = _FFT - TAPS + 1  # samples filtered per overlap-add step
_STEP = RATE // 10  # 100 ms
_BLOCK_STEPS = 4  # a block is 400 ms: four steps
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


def _biquad(b: tuple[float, ...], a: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    y = np.zeros_like(x)
    x1 = x2 = y1 = y2 = 0.0
    for i, xi in enumerate(x.tolist()):
        yi = b[0] * xi + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
        x2, x1, y2, y1 = x1, xi, y1, yi
        y[i] = yi
    return y


_SPECTRUM: np.ndarray | None = None


def _k_spectrum() -> np.ndarray:
    global _SPECTRUM
    if _SPECTRUM is None:
        impulse = np.zeros(TAPS)
        impulse[0] = 1.0
        _SPECTRUM = np.fft.rfft(_biquad(*_HIGHPASS, _biquad(*_SHELF, impulse)), _FFT)
    return _SPECTRUM


def _loudness(power: np.ndarray | float) -> np.ndarray | float:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


class LoudnessMeter:
    """Feed 48 kHz float samples (shape (n,) or (n, channels), channels weighted 1.0, as L and R are) in
    chunks of any size; ``integrated()`` gives the gated loudness of everything fed so far."""

    def __init__(self) -> None:
        self._pending = np.zeros((0, 0))  # a chunk being filled (samples x channels), _filled rows so far
        self._filled = 0
        self._tails: list[np.ndarray] = []  # per channel: the overlap-add carry into the next chunk
        self._carry = np.zeros(0)  # K-weighted energy of samples not yet making a whole 100 ms step
        self._steps: list[np.ndarray] = []  # energy of each whole 100 ms step, summed over channels

    def feed(self, samples: np.ndarray) -> None:
        data = samples.reshape(-1, 1) if samples.ndim == 1 else samples
        if not self._tails:
            self._pending = np.zeros((_CHUNK, data.shape[1]))
            self._tails = [np.zeros(TAPS - 1) for _ in range(data.shape[1])]
        if data.shape[1] != len(self._tails):
            raise ValueError(f"fed {data.shape[1]} channels after {len(self._tails)}")
        # copied a chunk at a time into one buffer: no copy of the whole input (fresh memory is slow to fault in)
        start = 0
        while start < data.shape[0]:
            take = min(_CHUNK - self._filled, data.shape[0] - start)
            self._pending[self._filled:self._filled + take] = data[start:start + take]
            self._filled += take
            start += take
            if self._filled == _CHUNK:
                self._filter(self._pending)
                self._filled = 0

    def _filter(self, chunk: np.ndarray) -> None:
        """K-weight one chunk of every channel (overlap-add) and add its energy to the steps."""
        spectrum = _k_spectrum()
        n = chunk.shape[0]
        energy = np.zeros(n)
        for c in range(chunk.shape[1]):
            full = np.fft.irfft(np.fft.rfft(chunk[:, c], _FFT) * spectrum, _FFT)[: n + TAPS - 1]
            full[: TAPS - 1] += self._tails[c]
            self._tails[c] = full[n:].copy()
            energy += full[:n] * full[:n]
        self._add_energy(energy)

    def _add_energy(self, energy: np.ndarray) -> None:
        joined = np.concatenate([self._carry, energy])
        whole = joined.size // _STEP * _STEP
        if whole:
            self._steps.append(joined[:whole].reshape(-1, _STEP).sum(axis=1))
        self._carry = joined[whole:]

    def integrated(self) -> float:
        """Gated integrated loudness so far; -inf for silence or less than one 400 ms block."""
        if self._filled:
            self._filter(self._pending[:self._filled])
            self._filled = 0
        steps = np.concatenate(self._steps) if self._steps else np.zeros(0)
        if steps.size < _BLOCK_STEPS:
            return float("-inf")
        window = np.concatenate([[0.0], np.cumsum(steps)])
        power = (window[_BLOCK_STEPS:] - window[:-_BLOCK_STEPS]) / (_STEP * _BLOCK_STEPS)
        gated = power[_loudness(power) > _ABSOLUTE_GATE]
        if gated.size == 0:
            return float("-inf")
        relative = float(_loudness(gated.mean())) + _RELATIVE_GATE
        kept = gated[_loudness(gated) > relative]
        return float(_loudness(kept.mean()))


def integrated_lufs(samples: np.ndarray, rate: int = RATE) -> float:
    """Gated integrated loudness of float samples in -1..1, shape (n,) or (n, channels)."""
    if rate != RATE:
        raise ValueError(f"loudness is measured at {RATE} Hz, got {rate}")
    meter = LoudnessMeter()
    meter.feed(samples)
    return meter.integrated()
