"""Audio for the fake speech vendors: a voiced tone per letter, silence for spaces and punctuation, with the
exact time of every character (what ElevenLabs' alignment reports), encoded as the vendor would send it."""

from __future__ import annotations

import io
import unicodedata

import av
import numpy as np

RATE = 44100
LETTER_SEC = 0.07
WIDE_SEC = 0.16  # a Hangul syllable or a kana/Han character is a whole syllable
SPACE_SEC = 0.06
PAUSE_SEC = 0.18


def _seconds(ch: str) -> float:
    if ch.isspace():
        return SPACE_SEC
    if unicodedata.category(ch)[0] not in ("L", "N"):
        return PAUSE_SEC
    return WIDE_SEC if unicodedata.east_asian_width(ch) in ("W", "F") else LETTER_SEC


def tone_speech(text: str, *, lead_sec: float = 0.1) -> tuple[np.ndarray, list[str], list[float], list[float]]:
    """(int16 mono samples at RATE, characters, starts, ends): each letter a short voiced tone."""
    pieces = [np.zeros(int(lead_sec * RATE), dtype=np.float64)]
    chars, starts, ends = [], [], []
    cursor = lead_sec
    for k, ch in enumerate(text):
        sec = _seconds(ch)
        n = round(sec * RATE)
        if unicodedata.category(ch)[0] in ("L", "N"):
            t = np.arange(n) / RATE
            freq = 140 + (ord(ch) * 7 + k * 13) % 120
            envelope = np.minimum(1.0, np.minimum(t, sec - t) / 0.01)
            pieces.append(0.3 * envelope * (np.sin(2 * np.pi * freq * t) + 0.5 * np.sin(4 * np.pi * freq * t)))
        else:
            pieces.append(np.zeros(n))
        chars.append(ch)
        starts.append(round(cursor, 3))
        cursor += n / RATE
        ends.append(round(cursor, 3))
    pieces.append(np.zeros(int(0.15 * RATE)))
    samples = (np.concatenate(pieces) * 32767).astype(np.int16)
    return samples, chars, starts, ends


def encode(samples: np.ndarray, fmt: str) -> bytes:
    """mp3 (libmp3lame) or wav bytes of int16 mono samples at RATE."""
    buf = io.BytesIO()
    codec = {"mp3": "libmp3lame", "wav": "pcm_s16le"}[fmt]
    with av.open(buf, "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=RATE, layout="mono")
        frame_size = 1152
        for i in range(0, len(samples), frame_size):
            chunk = samples[i:i + frame_size]
            frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = RATE
            frame.pts = i
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()
