"""Before any stage runs: resolve the script, the run directory and the cost plan."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from reelforge.compose.stale import sweep_runs
from reelforge.config import Settings, environ_view
from reelforge.errors import InvalidInputError
from reelforge.models.common import limits_for, load_document, longer_video_fix
from reelforge.models.script import Script, seed_compat_notes
from reelforge.pipeline.skeleton import draft_from_brief
from reelforge.pipeline.writers import WritePlan, WriteRequest, WriteResult, plan_llm_writer
from reelforge.text.speech_rate import words_per_second
from reelforge.workspace import contain
from reelforge.workspace.paths import Workspace, ensure_inside, new_run_id

AUTO_ASPECT = {"shorts": "9:16", "explainer": "16:9", "demo": "16:9"}
_RECONCILED = ("mode", "aspect", "locale")


def resolve_script(brief: str, script_path: Path | None, settings: Settings, workspace: Workspace, *,
                   explainer_source: Path | None = None, environ: Mapping[str, str] | None = None,
                   ) -> tuple[Script, str, WritePlan | None]:
    """The script is the single source of truth for mode, aspect and locale.

    With ``--script``, a flag that disagrees with the file is refused rather than half-applied (the
    reference tool silently used the script for the frame and the flag for the run name). Without it,
    the key-free writer drafts now; an LLM writer (``script_writer``) is returned in the plan, to be
    asked inside the run once its cost passed the guardrail.
    """
    if script_path is not None:
        if settings.origin("script_writer").startswith("flag:") and settings["script_writer"] != "skeleton":
            raise InvalidInputError(f"--writer {settings['script_writer']} does not apply with --script (the script "
                                    "is already written)", hint="drop --writer, or drop --script to have it written")
        path = script_path if script_path.is_absolute() else workspace.root / script_path
        script = load_document(Script, path, document="script.json")
        for key in _RECONCILED:
            origin = settings.origin(key)
            wanted = settings[key]
            have = getattr(script, key)
            if origin.startswith("flag:") and wanted not in ("auto", have):
                raise InvalidInputError(
                    f"--{key} {wanted} disagrees with {path.name}, which says {key} {have!r}",
                    hint=f"drop --{key} (the script wins) or change '{key}' in the script")
        return script, "script-file", None
    plan = plan_writing(brief, settings, workspace, explainer_source=explainer_source, environ=environ)
    return plan.key_free.script, plan.key_free.provider, plan


def seed_form_warnings(script_path: Path, workspace: Workspace) -> list[str]:
    """What reading a seed-form script.json changed (ids, transitions), for the run's warnings."""
    import json

    path = script_path if script_path.is_absolute() else workspace.root / script_path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [f"script.json: {note}" for note in seed_compat_notes(data)]


def plan_writing(brief: str, settings: Settings, workspace: Workspace, *, explainer_source: Path | None = None,
                 environ: Mapping[str, str] | None = None) -> WritePlan:

    mode = settings["mode"]
    aspect = settings["aspect"] if settings["aspect"] != "auto" else AUTO_ASPECT[mode]
    duration = None if settings["duration"] == "auto" else float(settings["duration"])
    if duration is not None:
        check_duration_for_mode(duration, mode, settings.origin("duration"))
    grounding = None
    if explainer_source is not None:
        from reelforge.explainer.draft import draft_explainer
        from reelforge.explainer.material import load_material

        script, warnings = draft_explainer(explainer_source, workspace=workspace.root, aspect=aspect,
                                           locale=settings["locale"], brief=brief, target_sec=duration,
                                           words_per_second=words_per_second(settings["speed"]))
        key_free = WriteResult(script=script, provider="explainer-draft", path_taken="real", warnings=warnings,
                               params={"wordsPerSecond": words_per_second(settings["speed"])})
        if settings["script_writer"] != "skeleton":
            grounding = load_material(explainer_source, workspace=workspace.root)
    else:
        script, warnings = draft_from_brief(brief, mode=mode, aspect=aspect, locale=settings["locale"],
                                            duration=duration, transition=settings["transition"],
                                            call_to_action=settings["call_to_action"],
                                            words_per_second=words_per_second(settings["speed"]))
        key_free = WriteResult(script=script, provider="skeleton", path_taken="real", warnings=warnings,
                               params={"wordsPerSecond": words_per_second(settings["speed"])})
    request = WriteRequest(brief=brief, mode=mode, aspect=aspect, locale=settings["locale"], duration=duration,
                           transition=settings["transition"], call_to_action=settings["call_to_action"],
                           words_per_second=words_per_second(settings["speed"]), grounding=grounding)
    plan = WritePlan(request=request, key_free=key_free)
    if settings["script_writer"] != "skeleton":
        plan.llm = plan_llm_writer(settings["script_writer"], model=settings["writer_model"],
                                   url=settings["writer_url"], env=environ_view() if environ is None else environ,
                                   key_free=key_free)
    return plan


def check_duration_for_mode(duration: float, mode: str, origin: str) -> None:
    """A target length within the mode's limit, else exit 4 naming where the value came from."""
    limits = limits_for(mode)
    if duration <= limits.max_sec:
        return
    where = {"default": "the default duration"}.get(origin, origin.removeprefix("flag:").removeprefix("env:"))
    if origin.startswith("flag:"):
        where = f"--duration {duration:g}"
    elif origin.startswith("env:"):
        where = f"{where}={duration:g}"
    elif origin != "default":
        where = f"duration = {duration:g} in {origin}"
    raise InvalidInputError(f"{where}: a {mode} video is at most {limits.max_sec:.0f} s",
                            hint=longer_video_fix(mode).replace("mode explainer", "--mode explainer"))


def make_run_dir(workspace: Workspace, settings: Settings, mode: str, *, allow_external_out: bool,
                 aspect: str | None = None) -> tuple[str, Path]:
    out = Path(settings["out"])
    base = out if out.is_absolute() else workspace.root / out
    base = ensure_inside(base, workspace.root, what="output directory", flag="--allow-external-out",
                         allow_external=allow_external_out)
    if base.exists() and not base.is_dir():
        raise InvalidInputError(f"--out {base} is a file, not a directory", hint="choose a directory for --out")
    if allow_external_out:
        contain.allow_also(base)  # the user asked for this folder outside the workspace
    contain.mkdir(base, what="output directory")
    sweep_runs(base)  # work folders of renders killed with -9 in earlier runs
    for _ in range(5):
        run_id = new_run_id(mode, aspect)
        run_dir = base / run_id
        try:
            run_dir.mkdir(parents=True, exist_ok=False)
        except FileExistsError:
            continue
        return run_id, run_dir
    raise InvalidInputError(f"could not create a fresh run directory under {base}")
