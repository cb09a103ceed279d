// reelforge studio: small helpers shared by every page (no framework, no network beyond this server).
"use strict";

function studioCsrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// POST a form-encoded body with the CSRF header; resolves to the parsed JSON answer.
async function studioPost(url, fields) {
  const body = new URLSearchParams(fields || {});
  const response = await fetch(url, {method: "POST", body: body, headers: {"X-CSRF-Token": studioCsrf()},
                                     credentials: "same-origin"});
  const data = await response.json().catch(() => ({error: {message: response.statusText}}));
  if (!response.ok) throw Object.assign(new Error((data.error && data.error.message) || response.statusText), {data});
  return data;
}

// Follow a task's server-sent events: onProgress(data) for each line, then onDone(result) or onError(error).
function studioFollowTask(taskId, handlers) {
  const source = new EventSource("/tasks/" + encodeURIComponent(taskId) + "/events");
  source.addEventListener("progress", (e) => handlers.onProgress && handlers.onProgress(JSON.parse(e.data)));
  source.addEventListener("done", (e) => { source.close(); handlers.onDone && handlers.onDone(JSON.parse(e.data)); });
  source.addEventListener("error", (e) => {
    source.close();
    const data = e.data ? JSON.parse(e.data) : {message: "the connection to the studio was lost", fix: "reload"};
    handlers.onError && handlers.onError(data);
  });
  return source;
}

// A <div class="task-log" data-task-log> shows the lines of a task.
function studioLog(element, text, cls) {
  const line = document.createElement("div");
  line.textContent = text;
  if (cls) line.className = cls;
  element.appendChild(line);
  element.scrollTop = element.scrollHeight;
}

// Buttons with data-task-url="/path" and data-task-log="#id": POST, then stream the task into the log.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-task-url]");
  if (!button) return;
  event.preventDefault();
  const log = document.querySelector(button.dataset.taskLog);
  button.disabled = true;
  log.textContent = "";
  log.dataset.state = "running";
  try {
    const started = await studioPost(button.dataset.taskUrl, {});
    studioFollowTask(started.taskId, {
      onProgress: (p) => studioLog(log, p.line),
      onDone: (result) => {
        studioLog(log, result.summary || "done", "ok");
        log.dataset.state = "done";
        button.disabled = false;
        document.dispatchEvent(new CustomEvent("studio-task-done", {detail: {button, result}}));
      },
      onError: (err) => {
        studioLog(log, err.message, "error");
        if (err.fix) studioLog(log, "fix: " + err.fix, "fix");
        log.dataset.state = "error";
        button.disabled = false;
      },
    });
  } catch (err) {
    studioLog(log, err.message, "error");
    log.dataset.state = "error";
    button.disabled = false;
  }
});
