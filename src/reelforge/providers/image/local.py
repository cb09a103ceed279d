"""The key-free local provider: a designed still drawn from the prompt, so the whole flow runs offline.

It is labelled as what it is (``vendor: local``, ``pathTaken: fallback`` in manifests): a typographic card,
not a photographic generation. Same prompt and seed give the same bytes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from reelforge.providers.http import OwnsClient
from reelforge.providers.image.base import ProviderCallError, ProviderJob, ProviderOutput, ProviderResult
from reelforge.providers.image.spec import ModelSpec
from reelforge.providers.visual.card_text import hook_phrase
from reelforge.providers.visual.designed import make_card

LABEL = "local designed still (typographic card drawn from the prompt; not a photographic generation)"
_MAX_SIDE = 1080  # the card is a stand-in; a small frame keeps it fast
_RATIOS = ("9:16", "16:9", "1:1", "4:5", "3:4", "4:3")
MODEL_KEY = "image-local-designed"


class LocalDesigned(OwnsClient):
    vendor = "local"
    key_env: str | None = None
    models = (ModelSpec(MODEL_KEY, "local", "text", "designed-card", None, None, None, "2k", "1k", False, 0.0,
                        _RATIOS),
              ModelSpec(f"{MODEL_KEY}-edit", "local", "edit", "designed-card", None, None, None, "2k", "1k", False,
                        0.0, _RATIOS))

    def submit(self, job: ProviderJob) -> ProviderResult:
        w, h = (int(x) for x in job.size.split("x"))
        scale = min(1.0, _MAX_SIDE / max(w, h))
        width, height = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
        text = [hook_phrase(job.prompt) or job.key]  # a whole phrase of the prompt, never a cut copy
        outputs = []
        with tempfile.TemporaryDirectory(prefix="reelforge-local-") as tmp:
            for i in range(max(1, job.max_images)):
                out = make_card(text, Path(tmp) / f"{i}.png", width=width, height=height, seed=job.seed or 1,
                                index=i, title=job.key, headroom=1.0)
                outputs.append(ProviderOutput(i, "bytes", "image/png", data=out.read_bytes()))
        raw = {"provider": "local", "label": LABEL, "size": f"{width}x{height}", "images": len(outputs)}
        return ProviderResult("completed", raw, outputs=outputs)

    def poll(self, handle: str) -> ProviderResult:
        raise ProviderCallError("http", "the local provider has no async jobs", status=404)
