"""Jinja templates with what every page needs: the CSRF token, the navigation, a title."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from reelforge.studio.security import csrf_token

TEMPLATES_DIR = Path(__file__).parent / "templates"
NAV: tuple[tuple[str, str], ...] = (("/runs", "Runs"), ("/assets", "Assets"), ("/renders", "Renders & QA"),
                                    ("/trace", "Trace"), ("/new", "New video"))

# Any URL in a rendered value is replaced: a masked capture URL or a vendor link must never reach a page
# (a vendor URL can carry a signed query). Links the studio makes itself are paths, never absolute URLs.
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")
URL_PLACEHOLDER = "[URL hidden]"


def hide_urls(value: Any) -> Any:
    if isinstance(value, Markup):  # a macro's output: already escaped, keep it markup (else escaped twice)
        return Markup(_URL.sub(URL_PLACEHOLDER, str(value)))
    if isinstance(value, str):
        return _URL.sub(URL_PLACEHOLDER, value)
    return value


environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(default=True),
                          trim_blocks=True, lstrip_blocks=True, finalize=hide_urls)


def _filesize(value: int | None) -> str:
    if value is None:
        return "–"
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


environment.filters["filesize"] = _filesize


def render(request: Request, template_name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """Render ``template_name`` (a child of base.html) with ``context`` plus request, csrf, nav and title."""
    page = {"request": request, "csrf": csrf_token(request), "nav": NAV, "path": request.url.path,
            "title": context.get("title", "Studio"), **context}
    html = environment.get_template(template_name).render(page)
    return HTMLResponse(html, status_code=status_code)
