"""Studio: a local review web page over the workspace (``reelforge studio``).

Server-rendered pages (Starlette + Jinja), a little vanilla JS, nothing fetched from a network. It calls the
same library functions as the CLI and serves files only from inside the workspace, behind a token cookie,
a Host check and CSRF tokens (security.py). Needs the optional extra: ``pip install 'reelforge[studio]'``.

How a page module plugs in: it exposes ``routes: list[BaseRoute]`` (collected by app.py), renders with
``templating.render(request, "x.html", {...})`` (templates extend base.html, ``{% block content %}``), serves
files through ``files.resolve_inside`` + ``files.file_response`` (or links to ``/files/<workspace-relative>``),
and runs long work with ``tasks.start_task(request.app, kind, fn, lock_key=...)``, answering the POST with
``{"taskId": id}``. A button ``<button data-task-url="/x/post" data-task-log="#log">`` plus
``<div id="log" class="task-log">`` is wired by static/studio.js: it POSTs (with the CSRF header) and streams
the task's events into the log; forms carry ``<input type="hidden" name="csrf" value="{{ csrf }}">``.
"""

from __future__ import annotations

from reelforge.studio.app import StudioConfig, create_app
from reelforge.studio.server import serve

__all__ = ["StudioConfig", "create_app", "serve"]
