"""The key-free writer: a script from the brief's own sentences, so `generate "<brief>"` works without a key.

Deterministic: the same brief and settings give the same script.json (the seed drives palettes,
layouts and motion downstream, not the words). What it does with the brief:
- the first sentence is the hook (a long one is split at its first clause so the hook lands in ~2 s);
- one idea per scene: one sentence each (fragments under four words join a neighbour);
- a call to action (the ``call_to_action`` setting, or a "follow / subscribe / link in bio" sentence of
  the brief) closes the video;
- on-screen text is a key phrase or label (``Tip 2`` + a phrase), never the narration or a cut-off copy;
- ``--duration`` is honoured by choosing and trimming: filler words go first, then the least important
  sentences, never the hook or the call to action. A brief too short for the target is never padded
  with silence: the video is as long as its speech, and the run says so.
Durations come from the default voice's measured pace (reelforge.text.speech_rate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reelforge.errors import InvalidInputError
from reelforge.models.common import SCHEMA_VERSION, limits_for
from reelforge.models.script import Scene, SceneVisual, Script
from reelforge.pipeline.brief_directions import read_brief
from reelforge.text.onscreen import (
    copies_narration,
    counted_label,
    counted_noun,
    key_phrase,
    lead_phrase,
    merged_count,
    normalise,
)
from reelforge.text.speech_rate import DEFAULT_WORDS_PER_SEC, scene_seconds, spoken_words

TOLERANCE = 0.10
HOOK_WORDS = 9
MIN_SENTENCE_WORDS = 4
TITLE_CHARS = 64

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_CLAUSE = re.compile(r"^(.{12,}?)([,:;—–]|\s-\s)\s+(.+)$")
_ORDINAL = re.compile(r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|next|finally|"
                      r"lastly|last|also)\b[,:]?\s+", re.I)
# punctuation ends a clause where a space or the end follows it (not the point of 3.5)
_CLAUSE_END = re.compile(r"[,;:.!?](?:\s|$)|\s(?:so|and|but|because|since|while|which|until|before|after)\s",
                         re.I)
_CTA = re.compile(r"\b(follow (us|me|for)|subscribe|link in (the )?bio|sign up|like and share|share this|"
                  r"save this|comment below|download (it|the app)|try it (now|today|free)|visit \w|join us)\b", re.I)
_FILLER = re.compile(r"\b(basically|honestly|actually|literally|really|just|very|simply|of course|in fact|"
                     r"you know|kind of|sort of)\b,?\s*", re.I)
_PAREN = re.compile(r"\s*\([^)]*\)")
_NUMBER = re.compile(r"\d")
_IMPERATIVE = re.compile(r"^(try|keep|use|avoid|start|stop|put|set|make|take|drink|eat|go|get|turn|add|cut|"
                         r"wake|dim|skip|plan|write|read|walk|move|check|save|learn)\b", re.I)


def normalize_brief(brief: str) -> str:
    text = " ".join(brief.split())
    if not text:
        raise InvalidInputError("the brief is empty", hint='pass a one-line brief: reelforge video generate "..."')
    return text


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _join_fragments(sentences: list[str]) -> list[str]:
    """One sentence per scene; a fragment of fewer than four words joins its neighbour."""
    out: list[str] = []
    for sentence in sentences:
        if out and len(sentence.split()) < MIN_SENTENCE_WORDS:
            out[-1] = f"{out[-1]} {sentence}"
        elif out and len(out[-1].split()) < MIN_SENTENCE_WORDS and len(out) > 1:
            out[-1] = f"{out[-1]} {sentence}"
        else:
            out.append(sentence)
    return out


def split_hook(first: str, hook_words: int = HOOK_WORDS) -> list[str]:
    """A first sentence too long to land in ~2 s is split at its first clause boundary."""
    if len(first.split()) <= hook_words:
        return [first]
    m = _CLAUSE.match(first)
    if not m or len(m.group(1).split()) > hook_words + 3 or len(m.group(3).split()) < 3:
        return [first]
    head = m.group(1).rstrip() + ("." if m.group(2) in (",", ";", "—", "–", " - ") else ":")
    if m.group(2) == ":":
        head = m.group(1).rstrip() + "."
    rest = m.group(3)
    return [head, rest[:1].upper() + rest[1:]]


def make_title(brief: str) -> str:
    sentences = split_sentences(brief)
    title = (sentences[0] if sentences else brief).rstrip(".!?。！？ ")
    if len(title) > TITLE_CHARS:
        title = title[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return title or "Untitled"


def trim_filler(sentence: str) -> str:
    """The same sentence without filler words and asides (the first thing to go when over --duration)."""
    text = _PAREN.sub("", sentence)
    text = _FILLER.sub("", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()
    return text[:1].upper() + text[1:] if text else sentence


def importance(sentence: str, position: int, count: int) -> float:
    """Higher is kept first: concrete numbers, instructions, then earlier sentences (briefs front-load)."""
    score = 1.0 - position / max(count, 1) * 0.5
    if _NUMBER.search(sentence):
        score += 0.6
    if _IMPERATIVE.match(sentence):
        score += 0.4
    return score


def trim_clause(sentence: str) -> str | None:
    """The sentence without its last comma clause ("..., even on weekends."), when that clause is a short
    tail of a longer sentence; None when there is nothing to trim."""
    head, sep, tail = sentence.rpartition(", ")
    words, tail_words = len(sentence.split()), len(tail.split())
    if not sep or words < 7 or not 2 <= tail_words <= 0.45 * words or len(head.split()) < 4:
        return None
    return head.rstrip(",;:") + (sentence[-1] if sentence[-1] in ".!?" else ".")


def _fit(body: list[str], pinned_sec: float, target: float, wps: float) -> list[str]:
    """Choose body sentences, whole or without a trailing clause, kept in order, so hook + body + call to
    action lands nearest the target within ± 10 %, then the most important (a knapsack over 0.1 s steps)."""
    lo = round((target * (1 - TOLERANCE) - pinned_sec) * 10)
    hi = round((target * (1 + TOLERANCE) - pinned_sec) * 10)
    if hi <= 0:
        return []
    options: list[list[tuple[int, float, str]]] = []
    for i, sentence in enumerate(body):
        value = importance(sentence, i, len(body))
        versions = [(round(scene_seconds(sentence, wps) * 10), value, sentence)]
        short = trim_clause(sentence)
        if short:
            versions.append((round(scene_seconds(short, wps) * 10), value * 0.8, short))
        options.append(versions)
    best: dict[int, tuple[float, tuple[str, ...]]] = {0: (0.0, ())}
    for versions in options:
        for total, (value, picked) in list(best.items()):
            for cost, worth, text in versions:
                t = total + cost
                if t <= hi and (t not in best or best[t][0] < value + worth):
                    best[t] = (value + worth, (*picked, text))
    mid = (lo + hi) / 2
    in_range = [t for t in best if t >= lo]
    # Estimates are within about 6 % of the spoken length, so the choice nearest the target wins (in
    # half-second steps, so importance still decides between nearly equal lengths); else the longest.
    chosen = max(in_range, key=lambda t: (-round(abs(t - mid) / 5), best[t][0])) if in_range else max(best)
    return list(best[chosen][1])


def _point(narration: str) -> str | None:
    """The clause after a leading ordinal, where a listed item names itself: 'automate your investing' in
    'Third, automate your investing so market news never talks you out of it.' None without an ordinal."""
    m = _ORDINAL.match(narration)
    if not m:
        return None
    clause = _CLAUSE_END.split(narration[m.end():], maxsplit=1)[0]
    return clause if len(clause.split()) >= 2 else None


def _instruction(narration: str) -> str | None:
    """The clause that tells the viewer what to do, when the sentence is an instruction: 'check your
    insulation and ...' in 'Before you buy one, check your insulation and the unit's rating.'"""
    for clause in re.split(r"[,;:]\s+", narration)[:2]:
        if _IMPERATIVE.match(clause):
            return _CLAUSE_END.split(clause, maxsplit=1)[0]
    return None


def _on_screen(narration: str, label: str | None) -> list[str]:
    point = _point(narration) if label else _instruction(narration)
    candidates = [lead_phrase(point)] + [key_phrase(point, max_words=n, earliest=True) for n in (4, 3, 2)] \
        if point else []
    candidates += [key_phrase(narration, max_words=n) for n in (4, 3, 2)]
    phrase = next((c for c in candidates if c and not copies_narration(c, narration)), "")
    lines = [label] if label else []
    if phrase and phrase != label:
        lines.append(phrase)
    return lines


def _hook_lines(narration: str) -> list[str]:
    """The first scene's lines: its count ('3 tips') and a key phrase, or one line when the phrase names the
    counted noun again ('3 money habits', not '3 habits / Three money habits')."""
    label = counted_label(narration)
    words = narration.strip().rstrip(".!?").split()
    if label and 3 <= len(words) <= 6 and counted_label(" ".join(words[:2])) == label:
        return [" ".join([label.split()[0], *words[1:]])]  # 'Three ways to save water.' -> '3 ways to save water'
    lines = _on_screen(narration, label)
    if label and len(lines) == 2:
        merged = merged_count(label, lines[1], narration)
        if merged is not None:
            return [merged]
    return lines


@dataclass(frozen=True)
class _Wish:
    """What the brief asks of the writer, read before anything is written (English briefs; others as given)."""

    sentences: list[str]
    title: str
    opening_title: bool  # the title came from an opening request: the first card shows it
    duration: float | None  # --duration, else a length the brief asks for
    cap: float | None  # 'under 30 seconds': trimmed to it when longer, never held to it
    asked: str  # how a too-short warning names the target
    warnings: tuple[str, ...]


def _wish(text: str, sentences: list[str], *, locale: str, mode: str, duration: float | None) -> _Wish:
    asked = f"--duration {duration:.0f}" if duration is not None else ""
    if not locale.lower().startswith("en"):
        return _Wish(sentences, make_title(text), False, duration, None, asked, ())
    read = read_brief(sentences)
    warnings = [f"writer: left out {s!r}, a direction to the writer rather than something to say"
                for s in read.left_out]
    cap = None
    if duration is None and read.length is not None:  # --duration wins over the brief's words
        limits = limits_for(mode)
        seconds = min(read.length.seconds, limits.max_sec)
        if seconds < read.length.seconds:
            warnings.append(f"writer: the brief asks for {read.length.seconds:.0f} s; a {mode} video is at most "
                            f"{limits.label}, so it aims at {limits.label}")
        if read.length.at_most:
            cap = seconds
        else:
            duration, asked = seconds, f"the brief's {seconds:.0f} s"
    return _Wish(read.sentences, read.title or make_title(" ".join(read.sentences)), read.title is not None,
                 duration, cap, asked, tuple(warnings))


def skeleton_script(brief: str, *, mode: str, aspect: str, locale: str, duration: float | None = None,
                    transition: str = "fade", call_to_action: str = "",
                    words_per_second: float = DEFAULT_WORDS_PER_SEC) -> Script:
    """Build script.json from a brief: hook, one idea per scene, optional call to action."""
    return draft_from_brief(brief, mode=mode, aspect=aspect, locale=locale, duration=duration,
                            transition=transition, call_to_action=call_to_action,
                            words_per_second=words_per_second)[0]


def draft_from_brief(brief: str, *, mode: str, aspect: str, locale: str, duration: float | None = None,
                     transition: str = "fade", call_to_action: str = "",
                     words_per_second: float = DEFAULT_WORDS_PER_SEC) -> tuple[Script, list[str]]:
    """The script and the warnings a run should carry (a brief too short or too long for the target)."""
    wps = words_per_second
    text = normalize_brief(brief)
    sentences = split_sentences(text) or [text]
    limits = limits_for(mode)
    wish = _wish(text, sentences, locale=locale, mode=mode, duration=duration)
    sentences, title, duration, warnings = wish.sentences, wish.title, wish.duration, list(wish.warnings)
    cta = call_to_action.strip()
    if not cta:
        found = [s for s in sentences[1:] if _CTA.search(s)]
        cta = found[-1] if found else ""
    sentences = [s for s in sentences if s != cta]
    hook, *rest = split_hook(sentences[0]) if sentences else [cta]
    body = _join_fragments(rest + sentences[1:])
    pinned = [hook] + ([cta] if cta and cta != hook else [])
    pinned_sec = sum(scene_seconds(s, wps) for s in pinned)
    natural = pinned_sec + sum(scene_seconds(s, wps) for s in body)
    ceiling = min(limits.max_sec, wish.cap) if wish.cap is not None else limits.max_sec
    target = duration if duration is not None else (ceiling if natural > ceiling else None)
    if target is not None and natural > target * (1 + TOLERANCE / 2):
        body = [trim_filler(s) for s in body]
        hook, pinned = trim_filler(hook), [trim_filler(s) for s in pinned]
        pinned_sec = sum(scene_seconds(s, wps) for s in pinned)
        kept = _fit(body, pinned_sec, target, wps)
        shortened = sum(1 for k in kept if k not in body)
        if shortened:
            warnings.append(f"writer: {shortened} sentence(s) lost a trailing clause to fit {target:.0f} s")
        if len(kept) < len(body):
            warnings.append(f"writer: {len(body) - len(kept)} of {len(body) + len(pinned)} sentences of the brief "
                            f"were left out to fit {target:.0f} s")
        body = kept
    if len(pinned) + len(body) > limits.max_scenes:
        body = body[: limits.max_scenes - len(pinned)]
        warnings.append(f"writer: the brief has more sentences than {limits.max_scenes} scenes (the {mode} limit); "
                        "the rest were left out")
    scenes_text = [hook, *body] + ([cta] if cta and cta != hook else [])
    total = sum(scene_seconds(s, wps) for s in scenes_text)
    if duration is not None and total < duration * (1 - TOLERANCE):
        words = sum(spoken_words(s) for s in scenes_text)
        warnings.append(f"writer: the brief holds about {total:.0f} s of speech ({words:.0f} words); {wish.asked} "
                        f"needs about {duration * wps:.0f} words. The video is not padded with "
                        "silence: write a longer brief or use --writer openai|gemini|local")
    noun = counted_noun(hook)
    label_word = noun[:-1].capitalize() if noun and noun.endswith("s") else None
    if label_word in ("Way", "Thing"):
        label_word = "#"  # '#2', not 'Way 2' or 'Thing 2'
    kind = "slide" if mode == "explainer" else "card"
    scenes: list[Scene] = []
    for index, narration in enumerate(scenes_text, start=1):
        last = index == len(scenes_text)
        is_cta = last and bool(cta) and narration == cta and index > 1
        if index == 1:
            lines = _hook_lines(narration)
            fits = len(title.split()) <= (8 if mode == "explainer" else 6)
            said_as_is = normalise(title) == normalise(narration)  # 'The five-second rule.': a card would copy it
            if wish.opening_title and fits and not counted_label(narration) and not said_as_is:
                lines = [title]  # a title card: 'How a heat pump heats a home' over "Here's how a heat pump..."
            elif fits and len(title.split()) <= 6 and not copies_narration(title, narration) and title not in lines:
                lines = [title, *lines][:2]
        else:
            label = (f"#{index - 1}" if label_word == "#" else f"{label_word} {index - 1}") \
                if label_word and not is_cta else None
            lines = _on_screen(narration, label)
        scenes.append(Scene(
            id=f"scene-{index:02d}",
            durationSec=scene_seconds(narration, wps),
            narration=narration,
            onScreenText=lines,
            visual=SceneVisual(kind=kind, prompt=narration, source="skeleton"),  # type: ignore[arg-type]
            transition=None if last else transition,  # type: ignore[arg-type]
        ))
    script = Script(schemaVersion=SCHEMA_VERSION, mode=mode, aspect=aspect, locale=locale,  # type: ignore[arg-type]
                    title=title, scenes=scenes, music="none")
    return script, warnings
