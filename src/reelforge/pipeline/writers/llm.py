"""The LLM writer: ask a text model for script.json under the shipped schema, check the reply, ask once
more with the failed checks, and otherwise hand over to the key-free writer (recorded as a fallback).

A refused key (401/403) stops the run with exit 5 naming the variable; a missing key, an unreachable
server, exhausted 429/5xx retries or a malformed body fall back. Each raw reply is saved in the run dir
(``writer/reply-N.json``); the key never is: it only lives in the request headers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelforge.errors import AuthRequiredError
from reelforge.models.common import limits_for
from reelforge.models.script import Script
from reelforge.pipeline.writers.base import WriteRequest, WriteResult
from reelforge.pipeline.writers.checks import Checked, check_reply, hook_word_limit
from reelforge.pipeline.writers.prompts import Prompt, fill, prompt_hashes
from reelforge.providers.writer import TextModel, Turn, WriterCallError
from reelforge.providers.writer.pricing import estimate_tokens, price_of
from reelforge.providers.writer.registry import ModelChoice
from reelforge.workspace.atomic import write_json_atomic, write_text_atomic

MAX_OUTPUT_TOKENS = 8192
ASKS = 2  # the first ask and at most one repair
_KINDS = {"shorts": ["card", "still"], "explainer": ["slide", "code", "diagram"], "demo": ["capture"]}


def reply_schema(request: WriteRequest) -> dict[str, Any]:
    """The shipped script.json schema, narrowed to this run (mode, aspect, locale, music, visual kinds);
    for grounded modes wrapped with the citations the reply must carry."""
    # The shipped script.schema.json is exported from this model (a test keeps the file equal to it).
    schema = copy.deepcopy(Script.model_json_schema(by_alias=True))
    props = schema["properties"]
    props["mode"] = {"type": "string", "enum": [request.mode]}
    props["aspect"] = {"type": "string", "enum": [request.aspect]}
    props["locale"] = {"type": "string", "enum": [request.locale]}
    props["music"] = {"type": "string", "enum": ["none"]}
    props.pop("brand", None)
    schema["required"] = [k for k in schema["required"] if k in props] + ["music"]
    scene = schema["$defs"]["Scene"]
    scene["required"] = ["id", "durationSec", "narration", "onScreenText", "visual", "transition"]
    visual = schema["$defs"]["SceneVisual"]
    kinds = _KINDS.get(request.mode, ["card"]) if request.grounding is not None or request.mode != "explainer" \
        else ["slide"]
    visual["properties"]["kind"] = {"type": "string", "enum": kinds}
    visual["required"] = ["kind"]
    if request.grounding is None:
        return schema
    defs = schema.pop("$defs")
    for key in ("$id", "$schema", "title"):
        schema.pop(key, None)
    return {
        "$defs": defs, "type": "object", "additionalProperties": False, "required": ["script", "citations"],
        "properties": {
            "script": schema,
            "citations": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["sceneId", "refs"],
                "properties": {
                    "sceneId": {"type": "string"},
                    "refs": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}},
        },
    }


def build_prompt(request: WriteRequest) -> Prompt:
    wps = request.words_per_second
    limits = limits_for(request.mode)
    system = fill("system.md", hook_words=hook_word_limit(wps), max_scenes=limits.max_scenes,
                  max_seconds=f"{limits.max_sec:.0f}", wps=f"{wps:.1f}", locale=request.locale, mode=request.mode,
                  aspect=request.aspect)
    if request.mode == "explainer" and request.grounding is None:
        # no material to cite: a brief-only explainer
        system += "\n" + fill("mode-shorts.md", kind="slide", mode_name="explainer from a brief")
    elif request.mode == "shorts":
        system += "\n" + fill("mode-shorts.md", kind="card", mode_name="shorts (vertical social video)")
    else:
        system += "\n" + fill(f"mode-{request.mode}.md")
    if request.duration is not None:
        words = round(request.duration * wps * 0.9)
        target = f"{request.duration:.0f} seconds (within 10 %), about {words} spoken words in total"
    else:
        # unasked, a long mode stays at 3 min too (a 30-minute reply is asked for with --duration)
        target = f"as long as the content needs, at most {min(limits.max_sec, 180):.0f} seconds"
    material = ""
    if request.grounding is not None:
        material = "\nMaterial (cite as FILE:LINE):\n" + request.grounding.prompt_text()
    user = fill("user.md", brief=request.brief or "(none: explain the material)", target=target,
                cta=request.call_to_action or "none", material=material)
    return Prompt(system=system, user=user)


class LLMWriter:
    def __init__(self, choice: ModelChoice, client: TextModel | None,
                 fallback: Callable[[], WriteResult], *, unavailable: str | None = None) -> None:
        self.choice = choice
        self.client = client
        self.fallback = fallback
        self.unavailable = unavailable  # why the model cannot be asked at all (found while planning)

    @property
    def id(self) -> str:
        return self.choice.info.id

    def estimate_usd(self, request: WriteRequest) -> float:
        """Both asks at full length: prompt (+ the first reply and the repair note) in, the cap out."""
        prompt = build_prompt(request)
        tokens_in = estimate_tokens(prompt.system + prompt.user)
        price = price_of(self.choice.info.vendor, self.choice.info.model)
        first = price.usd(tokens_in, MAX_OUTPUT_TOKENS)
        second = price.usd(tokens_in + MAX_OUTPUT_TOKENS + 400, MAX_OUTPUT_TOKENS)
        return round(first + second, 4)

    def price_note(self) -> str | None:
        info = self.choice.info
        if price_of(info.vendor, info.model).listed:
            return None
        return f"writer: no list price for {info.id}; the estimate uses {info.vendor}'s dearest listed model"

    def write(self, request: WriteRequest, run_dir: Path) -> WriteResult:
        info = self.choice.info
        base_params: dict[str, Any] = {"writer": info.vendor, "model": info.model, "promptFiles": prompt_hashes()}
        if self.unavailable or self.choice.missing_key or self.client is None:
            return self._fall_back(self.unavailable or f"{info.key_env} is not set", base_params, [])
        prompt = build_prompt(request)
        schema = reply_schema(request)
        base_params["promptSha256"] = prompt.sha256
        turns = [Turn("user", prompt.user)]
        files: list[Path] = []
        tokens = [0, 0]
        checked: Checked | None = None
        usable: Checked | None = None  # a reply with only soft problems, kept if the repair is worse
        asks = 0
        for ask in range(1, ASKS + 1):
            asks = ask
            try:
                reply = self.client.complete(prompt.system, turns, schema=schema, schema_name="script",
                                             max_output_tokens=MAX_OUTPUT_TOKENS)
            except WriterCallError as exc:
                if exc.raw_body:
                    files.append(self._save(run_dir, ask, exc.raw_body))
                if exc.kind == "auth":
                    variable = info.key_env or "REELFORGE_WRITER_API_KEY"
                    raise AuthRequiredError(
                        f"{info.id} refused the key in {variable} (HTTP {exc.status})",
                        hint=f"set a valid {variable}, or pass --writer skeleton for the key-free writer") from None
                return self._fall_back(str(exc), {**base_params, "asks": ask, "httpTries": exc.attempts}, files)
            files.append(self._save(run_dir, ask, reply.raw_body))
            tokens[0] += reply.input_tokens
            tokens[1] += reply.output_tokens
            checked = check_reply(reply.text, request, provider=info.id)
            if checked.script is not None and not checked.hard and usable is None:
                usable = checked
            if not checked.errors or (ask == ASKS and checked.script is not None and not checked.hard):
                break
            if ask < ASKS:
                turns += [Turn("assistant", reply.text or "(empty reply)"),
                          Turn("user", fill("repair.md", errors="\n".join(f"- {e}" for e in checked.errors)))]
        assert checked is not None
        if (checked.script is None or checked.hard) and usable is not None:
            checked = usable
        price = price_of(info.vendor, info.model)
        usd = round(price.usd(tokens[0], tokens[1]), 6)
        params = {**base_params, "asks": asks, "inputTokens": tokens[0], "outputTokens": tokens[1], "usd": usd}
        if checked.script is None or checked.hard:
            problems = "; ".join(checked.errors[:4]) + (" ..." if len(checked.errors) > 4 else "")
            result = self._fall_back(f"the reply failed its checks twice ({problems})",
                                     {**params, "failedChecks": checked.errors}, files)
            result.usd = usd
            return result
        warnings = [f"writer: {e} (kept after the repair ask)" for e in checked.soft]
        if checked.citations:
            cites = run_dir / "writer" / "citations.json"
            write_json_atomic(cites, checked.citations)
            files.append(cites)
        if asks > 1:
            params["repaired"] = True
        return WriteResult(script=checked.script, provider=info.id, path_taken="real", params=params,
                           warnings=warnings, files=files, usd=usd)

    def _save(self, run_dir: Path, ask: int, raw: str) -> Path:
        path = run_dir / "writer" / f"reply-{ask}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        key = self.choice.key
        write_text_atomic(path, raw.replace(key, "<redacted>") if key and len(key) >= 6 else raw)
        return path

    def _fall_back(self, why: str, params: dict[str, Any], files: list[Path]) -> WriteResult:
        result = self.fallback()
        result.path_taken = "fallback"
        result.params = {**result.params, **params, "fallbackFrom": self.id, "fallbackReason": why}
        result.warnings.insert(0, f"writer {self.id}: {why}; the key-free writer drafted the script")
        result.files = files + result.files
        return result

