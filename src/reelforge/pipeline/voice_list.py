"""`reelforge voices`: every voice the installed engines offer, as a library call.

Each voice row of the provider registry lists its own voices (``VoiceEngine.list_voices``): Piper its
installed voices, hosted engines their catalogue, fetched only when the engine's key is set and cached in
the workspace (``.reelforge/cache/voices/<engine>.json``, a day). An engine that is not installed, has no
key, or fails is reported with the reason instead of its voices; the listing itself never fails for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.errors import ReelforgeError
from reelforge.pipeline.voice_calls import hosted_call
from reelforge.providers.registry import availability, rows
from reelforge.providers.voice.base import VoiceInfo, VoiceOptions
from reelforge.providers.voice.registry import engine_class, primary_language


@dataclass
class VoiceListing:
    voices: list[VoiceInfo]
    engines: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {"voices": [v.to_json_dict() for v in self.voices], "engines": self.engines,
                "warnings": self.warnings}

    def text_lines(self) -> list[str]:
        lines = [f"{'VOICE':34} {'LOCALES':22} {'GENDER':7} {'$/1k chars':>10}  OFFLINE"]
        for v in self.voices:
            locales = ",".join(v.locales[:4]) + ("..." if len(v.locales) > 4 else "")
            lines.append(f"{v.engine + ':' + v.voice:34} {locales:22} {v.gender or '-':7} "
                         f"{v.usd_per_1k_chars:>10.3f}  {'yes' if v.offline else 'no'}")
        for e in self.engines:
            if e["status"] != "listed":
                lines.append(f"# {e['engine']}: {e['status']}" + (f" ({e['remediation']})" if e.get("remediation")
                                                                   else ""))
        return lines


def speaks(voice: VoiceInfo, locale: str) -> bool:
    want = primary_language(locale)
    return any(primary_language(code) == want for code in voice.locales)


def list_voices(*, locale: str | None = None, cache_dir: Path | None = None,
                options: VoiceOptions | None = None) -> VoiceListing:
    """Every voice of every voice engine in the provider registry, optionally only those speaking ``locale``."""
    base = options or VoiceOptions()
    listing = VoiceListing(voices=[])
    for row in rows("voice"):
        if row.cls is None:
            continue
        check = availability(row)
        status: dict[str, Any] = {"engine": row.id, "keyEnv": row.key_env, "extra": row.extra}
        missing_module = not check["ok"] and "not installed" in check["reason"]
        if missing_module:
            listing.engines.append({**status, "status": check["reason"], "remediation": check["remediation"]})
            continue
        engine_options = VoiceOptions(retry_attempts=base.retry_attempts, retry_base_s=base.retry_base_s,
                                      retry_cap_s=base.retry_cap_s, deadlines=base.deadlines,
                                      cache_dir=cache_dir)
        try:
            cls = engine_class(row.id)
            voices = (cls.list_voices(engine_options) if cls.offline else
                      hosted_call(row.id, engine_options, lambda c=cls, o=engine_options: c.list_voices(o),
                                  listing.warnings, f"{row.id} voice list"))
        except ReelforgeError as exc:
            listing.engines.append({**status, "status": f"failed: {exc.message}", "remediation": exc.hint})
            continue
        if not voices and not check["ok"]:
            listing.engines.append({**status, "status": f"{check['reason']}: its voices are not fetched",
                                    "remediation": check["remediation"]})
            continue
        listing.engines.append({**status, "status": "listed", "count": len(voices)})
        listing.voices.extend(v for v in voices if locale is None or speaks(v, locale))
    return listing
