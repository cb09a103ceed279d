"""render-spec -> the ffmpeg argvs of a render. Pure: no file is read or written here, so tests can inspect
every graph and flag.

A render is: one argv per video segment (see timeline.py), one for the audio mix, one that joins the
segments and the audio without re-encoding; plus the audio-only loudness measurements that come first.
"""

from __future__ import annotations

from pathlib import Path

from reelforge.compose.audio_graph import AudioInputs, audio_graph
from reelforge.compose.segment_graph import segment_graph
from reelforge.compose.timeline import Segment
from reelforge.models.render_spec import RenderSpec

# x264 frame threads read reference rows while other threads still pad their edges: under CPU load the
# right edge of a few frames came out different run to run (measured at 1080x1920 with 2 and 3 frame threads).
# With more than one thread we ask for slice threads, which were identical across runs, under load and with
# any number of CPUs (the slice count is the thread count).
SLICED = ["-x264-params", "sliced-threads=1"]
BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-map_metadata", "-1"]


def video_encode_options(spec: RenderSpec) -> list[str]:
    """x264 options shared by every segment (and by the encoder-only benchmark)."""
    threads = spec.encoder.threads
    enc = spec.encoder
    return ["-c:v", enc.video_codec, "-preset", enc.preset, "-crf", str(enc.crf), "-profile:v", enc.profile,
            "-pix_fmt", enc.pix_fmt, "-threads", str(threads), *(SLICED if threads != 1 else []),
            "-r", str(spec.fps)]


def build_segment_args(spec: RenderSpec, segment: Segment, run_dir: Path, out: Path, ffmpeg: str) -> list[str]:
    """One segment's frames, video only, as an mp4 that starts with a keyframe. Ken Burns stills are read
    from pipes named pipe:3, pipe:4, ... (segment_graph.FEED_FD); compose/frame_feeds.py runs it."""
    g = segment_graph(spec, segment, run_dir)
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", *g.inputs, "-filter_complex", g.graph, "-map", "[vout]",
            *video_encode_options(spec), "-frames:v", str(segment.frames), "-an", *BITEXACT, "-f", "mp4", str(out)]


def _audio_inputs(spec: RenderSpec, run_dir: Path) -> tuple[list[str], AudioInputs]:
    args: list[str] = []
    narration = music = None
    if spec.audio.narration:
        narration = 0
        args += ["-i", str(run_dir / spec.audio.narration.src)]
    if spec.audio.music:
        music = 1 if narration is not None else 0
        args += ["-stream_loop", "-1", "-i", str(run_dir / spec.audio.music.src)]
    return args, AudioInputs(narration, music)


def build_audio_args(spec: RenderSpec, run_dir: Path, out: Path, ffmpeg: str, *,
                     measured: dict[str, float] | None) -> list[str]:
    """The whole mix, AAC in an mp4. ``measured`` is the first pass's loudness (loudness.measure_loudness),
    from which the mix takes its one gain; without it the narration keeps its own level."""
    inputs, audio_inputs = _audio_inputs(spec, run_dir)
    enc = spec.encoder
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", *inputs,
            "-filter_complex", ";".join(audio_graph(spec, audio_inputs, measured=measured)), "-map", "[aout]",
            "-c:a", enc.audio_codec, "-b:a", enc.audio_bitrate, "-ar", str(spec.audio.sample_rate), "-ac", "2",
            *BITEXACT, "-f", "mp4", str(out)]


def _speech_under_a_bed(inputs: list[str], audio_inputs: AudioInputs) -> tuple[list[str], AudioInputs]:
    """Under a music bed only the speech is measured and tried (audio_graph brings it alone to the target):
    the narration's input (it comes first), without the bed's."""
    if audio_inputs.narration is None or audio_inputs.music is None:
        return inputs, audio_inputs
    return inputs[:2], AudioInputs(audio_inputs.narration, None)


PCM_OUT = "pipe:3"  # where a measuring pass writes its PCM (the real fd replaces it: loudness.pcm_loudness)


def pcm_output(out: str = PCM_OUT) -> list[str]:
    """The measuring passes' output: 48 kHz stereo float PCM, metered in numpy (media/bs1770.py)."""
    return ["-f", "f32le", "-ar", "48000", "-ac", "2", out]


def build_mix_measure_args(spec: RenderSpec, run_dir: Path, ffmpeg: str, *,
                           measured: dict[str, float] | None) -> list[str]:
    """The mix as build_audio_args makes it, as PCM for the meter instead of encoded: to try a gain (the
    filters cost ~0.1 CPU-s a minute and the meter ~0.1, the AAC encode ~1). Under a music bed the speech
    alone goes through the gain and the limiter: the speech is what is brought to the target there."""
    inputs, audio_inputs = _speech_under_a_bed(*_audio_inputs(spec, run_dir))
    graph = audio_graph(spec, audio_inputs, measured=measured)
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *inputs, "-filter_complex", ";".join(graph),
            "-map", "[aout]", *pcm_output()]


def concat_list(segment_files: list[Path]) -> str:
    """The concat demuxer's list, with the segment files named relative to the list (same directory)."""
    lines = []
    for f in segment_files:
        name = f.name.replace("'", "'\\''")
        lines.append(f"file '{name}'")
    return "\n".join(lines) + "\n"


def build_mux_args(spec: RenderSpec, concat_file: Path, audio: Path, out: Path, ffmpeg: str) -> list[str]:
    """Join the segments and the audio into the final mp4: stream copy, moov first, no encoder tags."""
    return [ffmpeg, "-hide_banner", "-nostdin", "-y", "-f", "concat", "-i", str(concat_file), "-i", str(audio),
            "-map", "0:v", "-map", "1:a", "-c", "copy", "-frames:v", str(spec.duration_in_frames),
            *BITEXACT, "-movflags", "+faststart", "-f", "mp4", str(out)]


def build_measure_args(spec: RenderSpec, run_dir: Path, ffmpeg: str) -> list[str] | None:
    """Audio-only first pass: the same mix up to where it applies its gain, as PCM for the meter.
    None when there is nothing to measure (silent track)."""
    inputs, audio_inputs = _audio_inputs(spec, run_dir)
    if audio_inputs.narration is None and audio_inputs.music is None:
        return None
    graph = audio_graph(spec, audio_inputs, measured=None, measure=True)
    inputs = _speech_under_a_bed(inputs, audio_inputs)[0]
    return [ffmpeg, "-hide_banner", "-nostdin", "-nostats", *inputs, "-filter_complex", ";".join(graph),
            "-map", "[aout]", *pcm_output()]
