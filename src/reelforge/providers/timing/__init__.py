"""Timing capability: tts-native (Piper alignments) -> stt (faster-whisper) -> estimated."""
