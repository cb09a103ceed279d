"""Before any stage runs: resolve the script, the run directory and the cost plan."""

from __future__ import annotations

from pathlib import Path

from reelforge.compose.stale import sweep_runs
from reelforge.config import Settings
from reelforge.errors import InvalidInputError
from reelforge.models.common import load_document
from reelforge.models.script import Script
from reelforge.pipeline.skeleton import skeleton_script
from reelforge.workspace import contain
from reelforge.workspace.paths import Workspace, ensure_inside, new_run_id

AUTO_ASPECT = {"shorts": "9:16", "explainer": "16:9", "demo": "16:9"}
_RECONCILED = ("mode", "aspect", "locale")


def resolve_script(brief: str, script_path: Path | None, settings: Settings, workspace: Workspace, *,
                   explainer_source: Path | None = None) -> tuple[Script, str]:
    """The script is the single source of truth for mode, aspect and locale.

    With ``--script``, a flag that disagrees with the file is refused rather than half-applied (the
    reference tool silently used the script for the frame and the flag for the run name).
    """
    if script_path is not None:
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
        return script, "script-file"
    mode = settings["mode"]
    aspect = settings["aspect"] if settings["aspect"] != "auto" else AUTO_ASPECT[mode]
    if explainer_source is not None:
        from reelforge.explainer import draft_explainer_script

        script = draft_explainer_script(explainer_source, workspace=workspace.root, aspect=aspect,
                                        locale=settings["locale"], brief=brief)
        return script, "explainer-draft"
    duration = None if settings["duration"] == "auto" else float(settings["duration"])
    script = skeleton_script(brief, mode=mode, aspect=aspect, locale=settings["locale"], duration=duration,
                             transition=settings["transition"])
    return script, "skeleton"


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
