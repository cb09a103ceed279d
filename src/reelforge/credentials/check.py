"""The `credentials` line of `reelforge check`: present and valid (and trusted or not)."""

from __future__ import annotations

from pathlib import Path

from reelforge.check.model import CheckResult
from reelforge.credentials.sign import SIGNED_SUFFIX, signed_name


def credentials_check(video: Path, run_dir: Path | None) -> CheckResult:
    """The signed copy beside ``video`` (``<stem>.signed.mp4``), else ``video`` itself, must carry valid credentials."""
    try:
        import c2pa

        from reelforge.credentials.read import read_credentials
    except ImportError:
        return CheckResult("credentials", "skip", "c2pa-python is not installed",
                           fix="pip install 'reelforge[credentials]' to sign and check content credentials")
    candidates = [video] if video.name.endswith(SIGNED_SUFFIX) else [video.with_name(signed_name(video.name)), video]
    back = None
    signed = video
    for path in candidates:
        if not path.is_file():
            continue
        signed = path
        try:
            back = read_credentials(path)
        except c2pa.C2paError as exc:
            return CheckResult("credentials", "fail", f"{path.name}: C2PA manifest unreadable ({exc})",
                               fix="sign again: reelforge video render <runDir> re-signs a signed run")
        if back is not None:
            break
    if back is None:
        return CheckResult("credentials", "warn", "no content credentials (C2PA) in the video",
                           fix="publish the .signed.mp4 that generate writes (install the [credentials] extra)")
    details = {"file": signed.name, "label": back.label, "signer": back.signer, "failures": back.failures,
               "digitalSourceType": back.digital_source_type, "ingredients": len(back.ingredients)}
    if not back.valid:
        return CheckResult("credentials", "fail", f"{signed.name}: C2PA validation failed: "
                           f"{', '.join(f for f in back.failures if f != 'signingCredential.untrusted')}",
                           details=details, fix="the file changed after signing: re-render and sign again")
    trust = "self-signed (untrusted in viewers)" if back.failures else "trusted"
    return CheckResult("credentials", "pass", f"{signed.name}: valid C2PA credentials, {len(back.ingredients)} "
                       f"ingredients, signer {trust}", details=details)
