"""The cost plan: estimate every paid call before any side effect, then apply the guardrail once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reelforge.config import Settings
from reelforge.jobs.cost import Estimate, check_guardrail
from reelforge.models.manifest import Cost
from reelforge.models.script import Script


@dataclass(frozen=True)
class CostPlan:
    breakdown: dict[str, float] = field(default_factory=dict)

    @property
    def usd(self) -> float:
        return round(sum(self.breakdown.values()), 4)

    @classmethod
    def for_settings(cls, settings: Settings, *, scenes: int, dry_run: bool,
                     environ: Mapping[str, str] | None = None, script: Script | None = None) -> CostPlan:
        """Piper, designed cards and Pexels are free. ``--visual generate`` with a hosted key adds the
        model's per-image list price (batch/catalog.py) x scenes: an upper bound, since scenes with their own
        media are not generated. ``--visual aigc`` with ARK_API_KEY adds Seedance's per-second price x each
        scene's clip length (needs ``script``). A dry run calls nothing, so its line is 0."""
        breakdown: dict[str, float] = {"designed-card": 0.0}
        breakdown.update(voice_cost(settings, script, dry_run=dry_run))
        if settings["visual"] == "stock":
            breakdown["pexels"] = 0.0
        if settings["visual"] == "generate":
            from reelforge.pipeline.generated_stills import model_setting, plan_images

            images = plan_images(model_setting(settings), environ=environ)
            if images.model is not None:
                breakdown[images.model] = 0.0 if dry_run else images.usd(scenes)
        if settings["visual"] == "aigc":
            from reelforge.pipeline.aigc_clips import clip_scenes, plan_clips

            clips = plan_clips(environ)
            if clips.model is not None and script is not None:
                breakdown[clips.model] = 0.0 if dry_run else clips.usd(clip_scenes(script))
        return cls(breakdown)

    def as_cost(self) -> Cost:
        return Cost(usd=self.usd, breakdown=dict(self.breakdown))


def check_cost(plan: CostPlan, *, max_usd: float, yes: bool) -> None:
    """Refuse (exit 4) a paid plan at or above the guardrail unless --yes was given (the jobs' one guard)."""
    check_guardrail(Estimate(plan.usd, 0, dict(plan.breakdown)), max_usd=max_usd, yes=yes,
                    hint="pass --yes to spend it, raise --max-usd, or choose key-free providers")


def voice_cost(settings: Settings, script: Script | None, *, dry_run: bool) -> dict[str, float]:
    """The narration's line: characters x the engine's list price per 1,000 (Piper and silent: 0).

    An upper bound: a narration cache hit calls nothing. A dry run narrates too (timing needs the audio), so
    its line is priced like any other. Without the script (an early plan) the line is 0."""
    from reelforge.providers.pricing import voice_price_per_1k_chars
    from reelforge.providers.voice.base import VoiceOptions
    from reelforge.providers.voice.registry import split_engine

    voice = str(settings["voice"])
    split = split_engine(voice)
    if split is None or split[0] == "piper":
        return {"piper": 0.0} if voice != "none" else {}
    engine = split[0]
    options = VoiceOptions.from_settings(settings)
    price = voice_price_per_1k_chars(engine, options)
    model = options.model or "default"
    chars = sum(len(scene.narration) for scene in script.scenes) if script is not None else 0
    return {f"voice:{engine}:{model}": round(chars * price / 1000, 6)}
