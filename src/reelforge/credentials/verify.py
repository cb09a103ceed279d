"""Check a run's signed video against its manifest: the C2PA manifest validates, and its ingredients, content
and hard-binding hash are the ones recorded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reelforge.credentials.read import read_credentials
from reelforge.models.manifest import Manifest
from reelforge.workspace.hashing import sha256_file


@dataclass(frozen=True)
class CredentialProblem:
    path: str
    reason: str


def verify_credentials(run_dir: Path, manifest: Manifest) -> list[CredentialProblem]:
    record: dict[str, Any] = manifest.credentials or {}
    rel = str(record.get("video", ""))
    if not rel:
        return []
    path = run_dir / rel
    if not path.is_file():
        return [CredentialProblem(rel, "the signed video is missing")]
    if record.get("sha256") and sha256_file(path) != record["sha256"]:
        problems_sha = [CredentialProblem(rel, f"the signed video changed (recorded sha256 {record['sha256']})")]
    else:
        problems_sha = []
    try:
        import c2pa
    except ImportError:  # without the extra only the signed file's hash can be checked
        return problems_sha
    try:
        back = read_credentials(path)
    except c2pa.C2paError as exc:
        return [CredentialProblem(rel, f"C2PA manifest unreadable: {exc}")]
    if back is None:
        return [CredentialProblem(rel, "no C2PA manifest in the file")]
    problems: list[CredentialProblem] = list(problems_sha)
    broken = [f for f in back.failures if f != "signingCredential.untrusted"]
    if broken:
        problems.append(CredentialProblem(rel, f"C2PA validation failed: {', '.join(broken)}"))
    if record.get("hardBindingSha256") and back.hard_binding_sha256 != record["hardBindingSha256"]:
        problems.append(CredentialProblem(rel, "hard-binding hash differs from the recorded one"))
    if record.get("contentSha256") and back.content_sha256 != record["contentSha256"]:
        problems.append(CredentialProblem(rel, "credential content differs from the recorded one"))
    assets = {a.path: a.sha256 for a in manifest.assets}
    for item in back.ingredients:
        expected = assets.get(str(item.get("path")))
        if expected != item.get("sha256"):
            problems.append(CredentialProblem(rel, f"ingredient {item.get('path')} hash {item.get('sha256')} "
                                                   f"is not the manifest's {expected}"))
    c2pa_ids = {i.get("instance_id") for i in back.c2pa_ingredients}
    for item in back.ingredients:
        if f"sha256:{item.get('sha256')}" not in c2pa_ids:
            problems.append(CredentialProblem(rel, f"ingredient {item.get('path')} missing from the C2PA ingredients"))
    if not back.ingredients:
        problems.append(CredentialProblem(rel, "the credentials list no ingredients"))
    return problems
