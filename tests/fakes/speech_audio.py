"""Audio for the fake TTS services: one tone burst per word, so reported word times match the sound.

Words are split the way a hosted engine would (whitespace; Chinese/Japanese runs in pairs of characters,
unlike the script's per-character words), punctuation dropped from the reported text.
"""

from __future__ import annotations

import io
import unicodedata

import numpy as np

RATE = 24000
LEAD_SEC = 0.12
GAP_SEC = 0.06


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF


def engine_words(text: str) -> list[str]:
    words: list[str] = []
    for token in text.split():
        clean = "".join(c for c in token if unicodedata.category(c)[0] in ("L", "N"))
        if not clean:
            continue
        if any(_cjk(c) for c in clean):
            words += [clean[i:i + 2] for i in range(0, len(clean), 2)]
        else:
            words.append(clean)
    return words


def tone_speech(text: str, rate: int = RATE) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """int16 mono samples and (word, start_sec, end_sec) for every engine word."""
    samples, timed, _ = tone_segments([text], rate)
    return samples, timed


def tone_segments(segments: list[str], rate: int = RATE
                  ) -> tuple[np.ndarray, list[tuple[str, float, float]], list[float]]:
    """Like tone_speech over the joined segments, plus where each segment's sound starts (a mark's time)."""
    pieces = [np.zeros(round(LEAD_SEC * rate), dtype=np.float64)]
    at = LEAD_SEC
    timed: list[tuple[str, float, float]] = []
    starts: list[float] = []
    n = 0
    for segment in segments:
        starts.append(at)
        for word in engine_words(segment):
            seconds = 0.09 + 0.055 * len(word)
            t = np.arange(round(seconds * rate)) / rate
            freq = 180.0 + 25.0 * (n % 5)
            tone = 0.35 * np.sin(2 * np.pi * freq * t) + 0.12 * np.sin(2 * np.pi * 2 * freq * t)
            fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)
            pieces += [tone * fade, np.zeros(round(GAP_SEC * rate))]
            timed.append((word, at, at + seconds))
            at += seconds + GAP_SEC
            n += 1
    pieces.append(np.zeros(round(0.1 * rate)))
    samples = (np.concatenate(pieces) * 32767).astype(np.int16)
    return samples, timed, starts


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    from reelforge.providers.voice.wavio import wav_bytes as encode

    return encode(samples, rate)


def mp3_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=rate, layout="mono")
        stream.bit_rate = 48000
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return buf.getvalue()
