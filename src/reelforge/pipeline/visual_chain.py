"""Per-scene visual chain: user media -> Pexels (stock, key set) -> designed card, with pathTaken recorded.

``--visual`` modes:
  auto   the scene's ``visual.ref`` (or the matching ``--media DIR`` file), else a designed card. The card
         is the key-free default, so it counts as the real path here.
  stock  user media first, then Pexels; without PEXELS_API_KEY (or when Pexels fails) a designed card is
         used as a fallback, with a warning naming why.
  card   a designed card for every scene (user media is ignored).
  slide  a typeset frame for every scene, in any mode (the seed's ``--visual slide``): a slide/code/diagram/
         chart scene with a ``visual.ref`` gets its own frame, every other scene a title slide of its
         on-screen text (or its narration's first phrase). User media is ignored, as for ``card``.
"""

from __future__ import annotations

import contextvars
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reelforge.compose.captions.layout import caption_band
from reelforge.compose.captions.presets import STYLES, style_named
from reelforge.compose.kenburns import KenBurnsStyle, plan_ken_burns
from reelforge.compose.processes import default_jobs
from reelforge.errors import AuthRequiredError, InvalidInputError, ProviderError
from reelforge.models.common import PathTaken
from reelforge.models.render_spec import SceneVisualSpec
from reelforge.models.safe_area import safe_area
from reelforge.models.script import Scene, SceneVisual
from reelforge.providers.visual import designed, user_media
from reelforge.providers.visual.card_layout import Box
from reelforge.providers.visual.card_text import authored_lines, headline_text, hook_phrase
from reelforge.providers.visual.card_theme import Look, choose_look
from reelforge.workspace.hashing import sha256_file
from reelforge.workspace.paths import run_relative

if TYPE_CHECKING:  # pexels brings httpx (~0.1 s to import); only --visual stock with a key needs it
    from reelforge.providers.visual import pexels

VisualMode = Literal["auto", "stock", "card", "slide"]
VISUAL_MODES: tuple[VisualMode, ...] = ("auto", "stock", "card", "slide")
_TEXT_HEAVY = frozenset({"slide", "code", "diagram", "chart"})
_VIDEO_KINDS = frozenset({"clip", "mixed", "capture"})
EXPLAINER_PROVIDER = "explainer-frame"


@dataclass
class VisualResult:
    scene_id: str
    index: int
    src: str
    sha256: str
    type: Literal["image", "video"]
    provider: str
    path_taken: PathTaken
    ken_burns: KenBurnsStyle
    warnings: list[str] = field(default_factory=list)
    attribution: dict[str, Any] | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sceneId": self.scene_id, "src": self.src, "sha256": self.sha256,
                                "type": self.type, "provider": self.provider, "pathTaken": self.path_taken,
                                "kenBurns": self.ken_burns, "warnings": self.warnings,
                                "seconds": round(self.seconds, 3)}
        if self.attribution:
            data["attribution"] = self.attribution
        return data

    def visual_spec(self, seed: int) -> SceneVisualSpec:
        """The render-spec entry for this visual, Ken Burns planned from (seed, scene index)."""
        kb = plan_ken_burns(seed, self.index, style=self.ken_burns) if self.type == "image" else None
        data: dict[str, Any] = {"src": self.src, "sha256": self.sha256, "type": self.type,
                                "provider": self.provider}
        if kb is not None:
            data["kenBurns"] = kb.to_json_dict()
        return SceneVisualSpec.model_validate(data)


def _query(scene: Scene, title: str) -> str:
    if scene.visual.prompt and scene.visual.prompt.strip():
        return scene.visual.prompt.strip()
    return headline_text(scene.on_screen_text, scene.narration, title).replace("\n", " ")[:100]


@dataclass(frozen=True)
class CardPlan:
    """What every card of one video shares: its look, the scene count, and where the captions go."""

    look: Look
    count: int
    platform: str = "tiktok"
    caption_band: Box | None = None  # frame pixels the burned-in captions will cover; cards keep it clear

    @classmethod
    def for_scenes(cls, scenes: Sequence[Scene], *, title: str, seed: int, mode: str, platform: str,
                   caption_style: str, width: int, height: int) -> CardPlan:
        words = "\n".join([title, *(s.narration for s in scenes), *(t for s in scenes for t in s.on_screen_text)])
        return cls(choose_look(words, seed=seed, mode=mode), len(scenes), platform,
                   caption_keepout(platform, caption_style, width, height))


def caption_keepout(platform: str, caption_style: str, width: int, height: int) -> Box:
    """The box the captions may cover, from the caption stage's own metrics: the union of the bands of every
    preset that puts its captions in the same place (anchor and lift) as this one, so switching among them
    (word-highlight, karaoke, pop) leaves the cards as they are and a rerun redraws none. With captions off
    (or an unknown preset) the default preset's place stays clear, so a card looks the same whatever
    captions do."""
    try:
        style = style_named(caption_style)
    except InvalidInputError:
        style = style_named("word-highlight")
    area = safe_area(platform, width, height)
    bands = [caption_band(other, area) for other in STYLES.values()
             if (other.anchor, other.lift_ratio) == (style.anchor, style.lift_ratio)]
    return (float(min(b[0] for b in bands)), float(min(b[1] for b in bands)),
            float(max(b[2] for b in bands)), float(max(b[3] for b in bands)))


def _card(scene: Scene, index: int, run_dir: Path, *, seed: int, width: int, height: int, title: str,
          path_taken: PathTaken, warnings: list[str], plan: CardPlan) -> VisualResult:
    out = run_dir / "visuals" / f"scene-{index + 1:02d}-card.png"
    headline = headline_text(scene.on_screen_text, scene.narration, title)
    authored = bool(authored_lines(scene.on_screen_text, scene.narration))
    # a phrase the tool chose may give way to the title's; the author's own text never silently does
    alternatives = [] if authored else [hook_phrase(title), plan.look.label("en") or title]
    try:
        card = designed.draw_card(headline, out, width=width, height=height, seed=seed, index=index,
                                  look=plan.look, count=plan.count, platform=plan.platform,
                                  caption_band=plan.caption_band, alternatives=alternatives)
    except InvalidInputError as exc:
        exc.message = f"scene {scene.id} ({'onScreenText' if authored else 'narration'}): {exc.message}"
        raise
    return VisualResult(scene.id, index, run_relative(out, run_dir), sha256_file(out), "image",
                        designed.PROVIDER_ID, path_taken, "subtle", warnings, card.to_json())


def _user(scene: Scene, index: int, source: Path, run_dir: Path) -> VisualResult:
    media = user_media.import_media(source, run_dir, index)
    style: KenBurnsStyle = "off" if scene.visual.kind in _TEXT_HEAVY else "full"
    return VisualResult(scene.id, index, media.src, media.sha256, media.type, user_media.PROVIDER_ID, "real",
                        style, [], {"provider": user_media.PROVIDER_ID, "origin": media.origin})


def _explainer_frame(scene: Scene, index: int, run_dir: Path, *, workspace: Path, seed: int, width: int,
                     height: int) -> VisualResult:
    """slide/code/diagram/chart scenes: a typeset frame drawn from the scene's source (no Ken Burns)."""
    from reelforge.explainer import render_scene_visual

    out = run_dir / "visuals" / f"scene-{index + 1:02d}-{scene.visual.kind}.png"
    render_scene_visual(scene, out, source_root=workspace, width=width, height=height, seed=seed)
    return VisualResult(scene.id, index, run_relative(out, run_dir), sha256_file(out), "image", EXPLAINER_PROVIDER,
                        "real", "off", [])


def _slide_text(scene: Scene, title: str) -> list[str]:
    """The scene's on-screen text, else its narration as a slide: the first sentence as the title and the
    next ones as bullets (whole sentences, never cut)."""
    lines = [t.strip() for t in scene.on_screen_text if t.strip()]
    if lines:
        return lines
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", scene.narration.strip()) if s.strip()]
    if not sentences:
        return [title.strip() or scene.id]
    return [sentences[0].rstrip("."), *(f"- {s}" for s in sentences[1:5])]


def _slide(scene: Scene, index: int, run_dir: Path, *, workspace: Path, seed: int, width: int, height: int,
           title: str) -> VisualResult:
    if scene.visual.kind in _TEXT_HEAVY and scene.visual.ref:
        return _explainer_frame(scene, index, run_dir, workspace=workspace, seed=seed, width=width, height=height)
    texts = _slide_text(scene, title)
    slide = scene.model_copy(update={"visual": SceneVisual(kind="slide"), "on_screen_text": texts})
    return _explainer_frame(slide, index, run_dir, workspace=workspace, seed=seed, width=width, height=height)


def produce_visuals(scenes: Sequence[Scene], *, run_dir: Path, workspace: Path, mode: VisualMode, seed: int,
                    width: int, height: int, title: str, media_dir: Path | None = None,
                    env: Mapping[str, str] | None = None,
                    pexels_client: pexels.PexelsClient | None = None, script_mode: str = "shorts",
                    platform: str = "tiktok", caption_style: str = "tiktok",
                    only: Collection[int] | None = None) -> list[VisualResult]:
    """One visual per scene, in scene order. An explicit ``visual.ref`` that is missing or not media is an
    error (the user asked for it); everything else falls through the chain with a warning. ``only``: make
    just these scene indexes (the others came from the cache); the cards still share one plan."""
    if mode not in VISUAL_MODES:
        raise InvalidInputError(f"--visual {mode!r} is not one of {', '.join(VISUAL_MODES)}",
                                hint="use --visual auto, stock, card or slide")
    media_files = user_media.media_dir_files(media_dir) if media_dir is not None else []
    client = pexels_client
    if client is None and mode == "stock":
        from reelforge.providers.visual import pexels

        client = pexels.PexelsClient.from_env(env)
    pexels_state: dict[str, str | None] = {"down": None if client is not None else "PEXELS_API_KEY not set"}
    plan = CardPlan.for_scenes(scenes, title=title, seed=seed, mode=script_mode, platform=platform,
                               caption_style=caption_style, width=width, height=height)
    results: list[VisualResult | Future[VisualResult]] = []
    # cards are drawn side by side (numpy and Pillow release the GIL: 1.8x on 2 cores, measured)
    pool = ThreadPoolExecutor(max_workers=default_jobs(), thread_name_prefix="card")
    try:
        for index, scene in enumerate(scenes):
            if only is not None and index not in only:
                continue
            results.append(_scene_visual(scene, index, run_dir=run_dir, workspace=workspace, mode=mode, seed=seed,
                                         width=width, height=height, title=title, media_files=media_files,
                                         client=client, pexels_state=pexels_state, pool=pool, plan=plan))
        return [r.result() if isinstance(r, Future) else r for r in results]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if pexels_client is None and client is not None:  # built here: its connections are ours to close
            client.close()


def _in_context(pool: ThreadPoolExecutor, fn: Callable[..., VisualResult], *args: Any,
                **kwargs: Any) -> Future[VisualResult]:
    """Run ``fn`` in the pool under a copy of this thread's context: the workspace confinement (contain.py)
    lives in a context variable, and a bare pool thread would write unchecked."""
    return pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)


def _timed_card(scene: Scene, index: int, run_dir: Path, *, seed: int, width: int, height: int, title: str,
                path_taken: PathTaken, warnings: list[str], started: float, plan: CardPlan) -> VisualResult:
    result = _card(scene, index, run_dir, seed=seed, width=width, height=height, title=title,
                   path_taken=path_taken, warnings=warnings, plan=plan)
    result.seconds = time.monotonic() - started
    return result


def _scene_visual(scene: Scene, index: int, *, run_dir: Path, workspace: Path, mode: VisualMode, seed: int,
                  width: int, height: int, title: str, media_files: list[Path],
                  client: pexels.PexelsClient | None, pexels_state: dict[str, str | None],
                  pool: ThreadPoolExecutor, plan: CardPlan) -> VisualResult | Future[VisualResult]:
    """This scene's visual, or the future of its designed card."""
    started = time.monotonic()
    if mode == "slide":
        return _in_context(pool, _slide, scene, index, run_dir, workspace=workspace, seed=seed, width=width,
                           height=height, title=title)
    warnings: list[str] = []
    result: VisualResult | None = None
    if scene.visual.kind in _TEXT_HEAVY and scene.visual.ref and mode != "card":
        result = _explainer_frame(scene, index, run_dir, workspace=workspace, seed=seed, width=width,
                                  height=height)
    if result is None and mode != "card":
        source = user_media.resolve_ref(scene.visual.ref, workspace) if scene.visual.ref else None
        if source is None and index < len(media_files):
            source = media_files[index]
        if source is not None:
            try:
                result = _user(scene, index, source, run_dir)
            except InvalidInputError as exc:
                if scene.visual.ref:
                    raise
                warnings.append(f"user media {source.name} skipped: {exc.message}")
    if result is None and mode == "stock":
        if pexels_state["down"] is None and client is not None:
            from reelforge.providers.visual import pexels

            try:
                kind: pexels.MediaKind = "video" if scene.visual.kind in _VIDEO_KINDS else "photo"
                stock = pexels.fetch_stock(client, _query(scene, title), run_dir, index,
                                           width=width, height=height, kind=kind)
                result = VisualResult(scene.id, index, stock.src, stock.sha256, stock.type, pexels.PROVIDER_ID,
                                      "real", "full", warnings, stock.attribution)
            except AuthRequiredError as exc:
                pexels_state["down"] = exc.message  # a refused key will not work for the next scene either
            except ProviderError as exc:
                warnings.append(f"pexels unavailable: {exc.message}; used designed card")
        if result is None and pexels_state["down"] is not None:
            warnings.append(f"pexels unavailable: {pexels_state['down']}; used designed card")
    if result is None:
        taken: PathTaken = "fallback" if mode == "stock" or warnings else "real"
        return _in_context(pool, _timed_card, scene, index, run_dir, seed=seed, width=width, height=height,
                           title=title, path_taken=taken, warnings=warnings, started=started, plan=plan)
    result.seconds = time.monotonic() - started
    return result
