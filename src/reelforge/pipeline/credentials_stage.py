"""The `credentials` stage: sign the rendered video (C2PA) into a copy beside it; see credentials/sign.py.

``credentials=auto`` (the default) signs when c2pa-python is installed (the `[credentials]` extra) and
skips quietly otherwise; ``on`` makes a missing package an error; ``off`` never signs.
"""

from __future__ import annotations

import time
from pathlib import Path

from reelforge.config import Settings, resolve_settings
from reelforge.errors import NotFoundError
from reelforge.pipeline.progress import Reporter
from reelforge.pipeline.recorder import RunRecorder, StageOutcome


def run_credentials_stage(run_dir: Path, settings: Settings, internal_dir: Path, recorder: RunRecorder,
                          report: Reporter) -> None:
    from reelforge.credentials.sign import available

    mode = settings["credentials"]
    if mode == "off":
        return
    if not available():
        if mode == "on":
            raise NotFoundError("credentials=on but c2pa-python is not installed",
                                hint="pip install 'reelforge[credentials]', or set credentials=auto/off")
        return
    from reelforge.credentials.identity import load_identity
    from reelforge.credentials.sign import sign_video

    report.stage_started("credentials")
    started = time.perf_counter()
    identity = load_identity(internal_dir, settings["credentials_cert"] or None, settings["credentials_key"] or None,
                             signer=settings["credentials_signer"] or None, alg=settings["credentials_alg"])
    with recorder.stage("credentials") as out:
        record = sign_video(run_dir, recorder.manifest, identity)
        recorder.manifest.credentials = record
        trust = ("self-signed local identity: valid but shown as untrusted in viewers (set credentials_cert and "
                 "credentials_key for a trusted signer)" if identity.kind == "local-self-signed" else "user identity")
        out.append(StageOutcome(provider="c2pa-python", path_taken="real", params={"trust": trust,
            "signed": record["video"], "signer": identity.kind, "alg": identity.alg,
            "ingredients": len(record["ingredients"]), "digitalSourceType": record["digitalSourceType"]}))
    report.stage_finished("credentials", time.perf_counter() - started, record["video"])


def workspace_root_of(run_dir: Path) -> Path:
    """The workspace a run lives in: the nearest parent holding .reelforge (else the run's grandparent)."""
    for parent in run_dir.resolve().parents:
        if (parent / ".reelforge").is_dir():
            return parent
    return run_dir.resolve().parent.parent


def resign_after_rerender(run_dir: Path, recorder: RunRecorder, report: Reporter) -> None:
    """`video render` of a signed run signs the new render again (same identity, same settings layers)."""
    root = workspace_root_of(run_dir)
    settings = resolve_settings(workspace_root=root)
    run_credentials_stage(run_dir, settings, root / ".reelforge", recorder, report)
