"""Sign a run's video: a signed copy beside the unsigned render, which stays byte-identical.

c2pa-python puts a random salt into every assertion box, so two signings of the same file differ in a few
hundred bytes even with a deterministic (Ed25519) signature; the unsigned render is therefore the
reproducibility boundary, and the credentials' content (assertions, ingredients, the hard-binding hash of
the video) is what is deterministic and recorded (``contentSha256``, ``hardBindingSha256``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from reelforge.credentials.definition import build_definition, ingredients_of, video_source_type
from reelforge.credentials.identity import Identity
from reelforge.credentials.read import read_credentials
from reelforge.errors import ReelforgeError
from reelforge.models.manifest import Manifest
from reelforge.workspace.hashing import sha256_file

SIGNED_SUFFIX = ".signed.mp4"


class CredentialsError(ReelforgeError):
    kind = "credentials"


def available() -> bool:
    try:
        import c2pa  # noqa: F401
    except ImportError:
        return False
    return True


_ALGS = {"es256": "ES256", "es384": "ES384", "es512": "ES512", "ps256": "PS256", "ed25519": "ED25519"}


def _signer(identity: Identity, errors: list[str]) -> Any:
    """A c2pa Signer: from the key, or calling the signer command with the bytes to sign on stdin."""
    import c2pa

    if identity.signer_command is None:
        return c2pa.Signer.from_info(c2pa.C2paSignerInfo(identity.alg, identity.cert_chain_pem, identity.key_pem, None))
    argv = identity.signer_command

    def sign(data: bytes) -> bytes:
        try:
            proc = subprocess.run(list(argv), input=data, capture_output=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(f"could not run ({type(exc).__name__})")
            raise
        if proc.returncode != 0 or not proc.stdout:
            errors.append(f"exited {proc.returncode}: {proc.stderr.decode(errors='replace').strip()[-200:]}")
            raise RuntimeError("signer command failed")
        return proc.stdout

    return c2pa.Signer.from_callback(sign, getattr(c2pa.C2paSigningAlg, _ALGS[identity.alg]),
                                     identity.cert_chain_pem.decode())


def signed_name(video_name: str) -> str:
    stem = video_name[:-4] if video_name.endswith(".mp4") else video_name
    return stem + SIGNED_SUFFIX


def sign_video(run_dir: Path, manifest: Manifest, identity: Identity, *, out_name: str | None = None
               ) -> dict[str, Any]:
    """Write ``<video>.signed.mp4`` (atomically) and return the manifest's ``credentials`` section."""
    import c2pa

    video_rel = manifest.outputs.video
    if not video_rel or not manifest.outputs.sha256:
        raise CredentialsError("nothing to sign: the run has no rendered video", hint="render the run first")
    video = run_dir / video_rel
    definition = build_definition(manifest, video_name=Path(video_rel).name, video_sha256=manifest.outputs.sha256)
    target = video.with_name(out_name or signed_name(video.name))
    partial = target.with_name(f".{target.name}.partial")
    command_errors: list[str] = []
    try:
        with _signer(identity, command_errors) as signer, c2pa.Builder(definition) as builder:
            with video.open("rb") as source, partial.open("wb") as dest:
                builder.sign(signer, "video/mp4", source, dest)
        os.replace(partial, target)
    except c2pa.C2paError as exc:
        partial.unlink(missing_ok=True)
        if command_errors:
            raise CredentialsError(f"C2PA signing failed: credentials_signer {command_errors[0]}", file=str(video),
                                   hint="the signer command must read the bytes on stdin and print the signature"
                                   ) from None
        raise CredentialsError(f"C2PA signing failed: {exc}", file=str(video),
                               hint="check credentials_cert/credentials_key (a PEM chain, leaf first, and its key)"
                               ) from None
    back = read_credentials(target)
    if back is None or not back.valid:
        raise CredentialsError(f"the signed copy does not validate: {back.failures if back else 'no manifest'}",
                               file=str(target), hint="this is a bug in reelforge or c2pa-python; please report it")
    ingredients = ingredients_of(manifest)
    return {
        "video": target.relative_to(run_dir).as_posix(), "sha256": sha256_file(target),
        "source": video_rel, "sourceSha256": manifest.outputs.sha256, "label": back.label,
        "contentSha256": back.content_sha256, "hardBindingSha256": back.hard_binding_sha256,
        "digitalSourceType": video_source_type(ingredients),
        "ingredients": [i.to_json() for i in ingredients],
        "signer": {"kind": identity.kind, "subject": identity.subject, "alg": identity.alg,
                   "certSha256": identity.cert_sha256, "trusted": identity.kind != "local-self-signed"},
        "validationState": back.validation_state,
    }
