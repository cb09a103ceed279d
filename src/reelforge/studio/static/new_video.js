// New video: Start posts the planned form to /new/start, then follows the task's progress (server-sent events).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const start = document.getElementById("start");
  if (!start) return;
  const form = document.getElementById("new-video");
  const log = document.getElementById("generate-log");
  const bar = document.querySelector(".progress");
  const meter = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  const result = document.getElementById("generate-result");
  const confirm = document.getElementById("confirm_cost");

  function show(fraction) {
    const percent = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
    meter.value = percent;
    text.textContent = percent + " %";
  }

  if (confirm) {
    start.disabled = !confirm.checked;
    confirm.addEventListener("change", () => { start.disabled = !confirm.checked; });
  }

  start.addEventListener("click", async () => {
    start.disabled = true;
    log.textContent = "";
    log.dataset.state = "running";
    bar.hidden = false;
    result.hidden = true;
    show(0);
    const fields = {};
    for (const [key, value] of new FormData(form).entries()) if (key !== "csrf") fields[key] = value;
    try {
      const started = await studioPost("/new/start", fields);
      studioFollowTask(started.taskId, {
        onProgress: (p) => {
          studioLog(log, p.line);
          if (typeof p.fraction === "number") show(p.fraction);
        },
        onDone: (done) => {
          show(1);
          studioLog(log, done.summary || "done", "ok");
          (done.warnings || []).forEach((w) => studioLog(log, "warning: " + w, "fix"));
          log.dataset.state = "done";
          result.hidden = false;
          result.textContent = "";
          const link = document.createElement("a");
          link.href = done.href;
          link.textContent = "open run " + done.runId;
          result.appendChild(link);
          start.disabled = false;
        },
        onError: (err) => {
          studioLog(log, err.message, "error");
          if (err.fix) studioLog(log, "fix: " + err.fix, "fix");
          log.dataset.state = "error";
          start.disabled = false;
        },
      });
    } catch (err) {
      studioLog(log, err.message, "error");
      const data = err.data && err.data.error;
      if (data && data.fix) studioLog(log, "fix: " + data.fix, "fix");
      log.dataset.state = "error";
      start.disabled = false;
    }
  });
});
