"""What a README says to a visitor of its web page, not to a viewer of a video: dropped before drafting.

Whole sections: installation, licence, contributing, sponsors and funding, changelog, credits, tables of
contents, badges, and promotions of other projects ("See also X", "sister project", "built with <us>").
Sentences: navigation ("click the following headings", "see the docs for details"), pointers at
pictures the video does not show ("the above produces the following output"), social and promo lines
("by @someone", "follow us", "star the repo", "video introduction on calmcode.io"), install commands.
"""

from __future__ import annotations

import re

_DROP_HEADINGS = re.compile(
    r"\b(install(ation|ing)?|setup|set up|requirements|licen[cs]e|contribut\w*|sponsor\w*|funding|donat\w*|"
    r"backers?|support(ers)?|changelog|change log|release notes|history|credits?|acknowledg\w*|thanks|"
    r"authors?|maintainers?|contents|table of contents|toc|badges?|citation|cite|security|code of conduct|"
    r"community|contact|star history|translations?|readme in|other languages|clon\w*|development|"
    r"running tests|testing|build(ing)? from source)\b", re.I)
_NAV = re.compile(
    r"^\s*\*|\b(click|tap)\b|\bsee (also|more|the|our|what|below|above|here)\b|\bfor (more )?details\b|"
    r"\bcheck (it )?out\b|\bread more\b|\blearn more\b|\bmore information\b|\bdocumentation (is|at|for)\b|"
    r"\b(the|this) (above|following|below)\b|\b(above|below)\b|\bwhat it looks like\b|"
    r"\bas shown (above|below)\b|\b(shown|output) below\b|"
    r"\bthe output will\b|\bhere'?s an example of the output\b|\bscreenshot\b|\bgif\b|"
    r"@\w{2,}|\bfollow (us|me)\b|\btwitter\b|\bdiscord\b|\bnewsletter\b|\bstar (us|the repo|this)\b|"
    r"\bgithub stars?\b|\bsponsor|\bdonat|\bvideo introduction\b|\bpeople are saying\b|\bblog\b|"
    r"\binstall(s|ation|ing)?\b|^(documentation|docs|source code|source|homepage|website|"
    r"repository|home|discussions?|issues|changelog)\s*:|\b(using|with|via|from) (pip|conda|poetry|uv|pypi)\b|"
    r"\bpoetry add\b|\buv add\b|\bpypi\b|"
    r"\bsister project\b|\bthis (page|readme|document)\b|\bwatch (it|the video)\b|\bthe docs\b|\bdocs\b for", re.I)


def dropped_heading(heading: str) -> bool:
    return bool(_DROP_HEADINGS.search(heading))


def boilerplate_sentence(sentence: str) -> bool:
    return bool(_NAV.search(sentence))


def promo_sentence(sentence: str, title: str) -> bool:
    """A sentence that advertises another product ("See also Rich CLI", "Built with Rich and Textual")."""
    name = re.escape(title.strip()) if title.strip() else r"\b\B"
    return bool(re.search(rf"\bsee also\b|\b(sister|sibling|companion) project\b|\blittle (sibling|brother|sister)\b|"
                          rf"\b(built|made|powered) (with|by|on) {name}\b|"
                          rf"\bfrom the (makers|creators|authors) of\b|\bour other\b", sentence, re.I))


def promo_section(heading: str, sentences: list[str], title: str) -> bool:
    """A section about another product: it opens with a promotion, is nothing but pointers, or promotes
    something named in its heading that is not this project ("Toad ... Built with Rich")."""
    if not sentences:
        return False
    if promo_sentence(sentences[0], title):
        return True
    if all(promo_sentence(s, title) or boilerplate_sentence(s) for s in sentences):
        return True
    return any(promo_sentence(s, title) for s in sentences) and not heading.lower().startswith(title.lower())
