"""The guided protocol: what to do when demo mode has no footage (CaptureRequiredError, exit 3)."""

from __future__ import annotations

import shlex

from reelforge.errors import CaptureRequiredError


def guided_protocol(reason: str, *, brief: str = "", source: str = "file", url_masked: str | None = None) -> str:
    """How to record, then the exact command to run. ``reason`` says why no capture happened."""
    quoted = shlex.quote(brief) if brief.strip() else '"<brief>"'
    lines = [
        f"demo mode needs footage: {reason}.",
        "Record it yourself:",
        "  1. Open the product at the start of the flow; set the window to 1920x1080 (or the size you want).",
        "  2. Record the screen with any recorder (OBS, QuickTime, GNOME/KDE screen recorder, Cap).",
        "     Log in by hand before or during the recording: reelforge never types credentials.",
        "  3. Save the recording inside the workspace, e.g. recordings/demo.mp4.",
        "Then run:",
        f"  reelforge video generate {quoted} --mode demo --source file --capture recordings/demo.mp4",
    ]
    if source == "web":
        shown = f" (you gave {url_masked})" if url_masked else ""
        lines += [
            "Or let reelforge record the browser, non-interactively (headless, no login possible):",
            f"  reelforge video generate {quoted} --mode demo --source web --url URL"
            f" --capture-stop duration:30{shown}",
            "Or interactively, from a terminal on a desktop session (a human drives, ENTER stops):",
            f"  reelforge video generate {quoted} --mode demo --source web --url URL",
        ]
    return "\n".join(lines)


def capture_required(reason: str, *, brief: str = "", source: str = "file",
                     url_masked: str | None = None) -> CaptureRequiredError:
    hint = ("record the flow and pass --capture PATH" if source == "file"
            else "pass --capture-stop duration:<sec>, run from an interactive terminal, or record and pass --capture")
    return CaptureRequiredError(guided_protocol(reason, brief=brief, source=source, url_masked=url_masked), hint=hint)
