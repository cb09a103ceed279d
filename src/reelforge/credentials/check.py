"""The `credentials` line of `reelforge check`: present and valid (and trusted or not)."""

from __future__ import annotations

from pathlib import Path

from reelforge.check.model import CheckResult
from reelforge.credentials.sign import signed_name


def credentials_check(video: Path, run_dir: Path | None) -> CheckResult:
    candidates = [video.with_name(signed_name(video.name)), video] if not video.name.endswith(".signed.mp4") \
        else [video]
    signed = next((p for p in candidates if p.is_file()), video)
    try:
        import c2pa

        from reelforge.credentials.read import read_credentials
    except ImportError:
        return CheckResult("credentials", "skip", "c2pa-python is not installed",
                           fix="pip install 'reelforge[credentials]' to sign and check content credentials")
    try:
        back = None
        for path in candidates:
            if path.is_file():
                back = read_credentials(path)
                if back is not None:
                    signed = path
                    break
    except c2pa.C2paError as exc:
        return CheckResult("credentials", "fail", f"{signed.name}: C2PA manifest unreadable ({exc})",
                           fix="sign again: reelforge video generate signs by default (credentials=auto)")
    if back is None:
        return CheckResult("credentials", "warn", "no content credentials (C2PA) in the video",
                           fix="publish the .signed.mp4 that generate writes, or set credentials=on")
    details = {"file": signed.name, "label": back.label, "signer": back.signer, "failures": back.failures,
               "digitalSourceType": back.digital_source_type, "ingredients": len(back.ingredients)}
    if not back.valid:
        return CheckResult("credentials", "fail", f"{signed.name}: C2PA validation failed: "
                           f"{', '.join(f for f in back.failures if f != 'signingCredential.untrusted')}",
                           details=details, fix="the file changed after signing: re-render and sign again")
    trust = "self-signed (untrusted in viewers)" if back.failures else "trusted"
    return CheckResult("credentials", "pass", f"{signed.name}: valid C2PA credentials, {len(back.ingredients)} "
                       f"ingredients, signer {trust}", details=details)
