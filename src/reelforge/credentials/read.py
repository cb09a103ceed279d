"""Read a signed video's credentials back with c2pa-python and reduce them to what reelforge checks."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.credentials.definition import INGREDIENTS_LABEL

# the only validation failure a local (self-signed) identity is expected to show
UNTRUSTED = "signingCredential.untrusted"


@dataclass(frozen=True)
class ReadBack:
    label: str
    validation_state: str
    failures: list[str]
    hard_binding_sha256: str | None  # the c2pa.hash.bmff hash of the video (hex)
    content_sha256: str  # canonical hash of the claim's content (assertions, ingredients, title, ids)
    ingredients: list[dict[str, Any]] = field(default_factory=list)  # the com.reelforge.ingredients items
    c2pa_ingredients: list[dict[str, Any]] = field(default_factory=list)
    signer: dict[str, Any] = field(default_factory=dict)
    digital_source_type: str | None = None

    @property
    def valid(self) -> bool:
        """Cryptographically intact: no failure except an untrusted (self-signed) signer."""
        return not [f for f in self.failures if f != UNTRUSTED]


def read_credentials(path: Path) -> ReadBack | None:
    """None when the file carries no C2PA manifest; raises c2pa.C2paError on an unreadable one."""
    import c2pa

    with path.open("rb") as fh:
        try:
            reader = c2pa.Reader("video/mp4", fh)
        except c2pa.C2paError as exc:
            if "ManifestNotFound" in type(exc).__name__ or "not found" in str(exc).lower():
                return None
            raise
        with reader:
            data = json.loads(reader.json())
    label = data["active_manifest"]
    active = data["manifests"][label]
    failures = [s.get("code", "?") for s in
                (data.get("validation_results", {}).get("activeManifest", {}).get("failure") or [])]
    for status in data.get("validation_status") or []:
        code = status.get("code", "?")
        if code not in failures:
            failures.append(code)
    hard = None
    items: list[dict[str, Any]] = []
    source_type = None
    for assertion in active.get("assertions", []):
        if assertion["label"].startswith(("c2pa.hash.bmff", "c2pa.hash.data")):
            hard = base64.b64decode(assertion["data"]["hash"]).hex()
        elif assertion["label"] == INGREDIENTS_LABEL:
            items = list(assertion["data"].get("items", []))
        elif assertion["label"].startswith("c2pa.actions"):
            for action in assertion["data"].get("actions", []):
                if action.get("action") == "c2pa.created":
                    source_type = action.get("digitalSourceType")
    content = {"label": label, "title": active.get("title"), "instance_id": active.get("instance_id"),
               "claim_generator_info": active.get("claim_generator_info"),
               "assertions": [{"label": a["label"], "data": a.get("data")} for a in active.get("assertions", [])],
               "ingredients": active.get("ingredients", [])}
    content_sha = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    sig = active.get("signature_info") or {}
    return ReadBack(label=label, validation_state=str(data.get("validation_state", "")), failures=failures,
                    hard_binding_sha256=hard, content_sha256=content_sha, ingredients=items,
                    c2pa_ingredients=list(active.get("ingredients", [])),
                    signer={"alg": sig.get("alg"), "issuer": sig.get("issuer"), "commonName": sig.get("common_name")},
                    digital_source_type=source_type)
