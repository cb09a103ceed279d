"""A library error as a page answer: the status code its exit code means, and the message with its fix.

A path refused for safety is a 404 like any file that is not there: the page says nothing about what exists
outside the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from reelforge.errors import ReelforgeError
from reelforge.workspace.paths import sanitize_id

_STATUS_OF_EXIT = {2: 404, 3: 404, 4: 400, 5: 503, 6: 504}


@dataclass(frozen=True)
class Problem:
    status: int
    message: str
    fix: str | None
    fields: list[dict[str, str]]

    def to_json(self) -> dict[str, object]:
        return {"message": self.message, "fix": self.fix, "fields": self.fields}


def problem_of(exc: ReelforgeError) -> Problem:
    status = _STATUS_OF_EXIT.get(exc.exit_code, 500)
    if exc.exit_code == 2:
        return Problem(status, "no such file in the workspace", None, [])
    issues = getattr(exc, "issues", None) or []
    return Problem(status, exc.message, exc.hint, [i.to_json() for i in issues])


def is_plain_id(value: str) -> bool:
    """An asset or job id as the store spells it; anything else (``..``, spaces, slashes) names nothing here,
    rather than being cleaned into some other id."""
    return bool(value) and sanitize_id(value) == value


NOT_FOUND = Problem(404, "nothing here by that id", "pick one from the list", [])


def error_page(request: Request, problem: Problem) -> Response:
    from reelforge.studio.templating import render

    return render(request, "error.html", {"title": str(problem.status), "status": problem.status,
                                          "detail": problem.message}, status_code=problem.status)
