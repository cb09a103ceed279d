"""--show-cursor: a red dot that follows the mouse in every recorded page (the seed's demo flag).

Headless and headed Chromium both leave the system pointer out of the recorded video, so a viewer cannot
see where the person points. This script, added to the capture's browser context, draws one: a fixed,
click-through dot on top of the page that shrinks while a button is down.
"""

CURSOR_SCRIPT = """
(() => {
  const add = () => {
    if (document.getElementById("__reelforge_cursor")) return;
    const dot = document.createElement("div");
    dot.id = "__reelforge_cursor";
    dot.style.cssText = "position:fixed;z-index:2147483647;left:-40px;top:-40px;width:18px;height:18px;" +
      "margin:-9px 0 0 -9px;border-radius:50%;background:rgba(229,37,37,0.85);" +
      "box-shadow:0 0 0 2px rgba(255,255,255,0.8);pointer-events:none;transition:transform 80ms";
    document.documentElement.appendChild(dot);
    addEventListener("mousemove", (e) => { dot.style.left = e.clientX + "px"; dot.style.top = e.clientY + "px"; },
                     true);
    addEventListener("mousedown", () => { dot.style.transform = "scale(0.7)"; }, true);
    addEventListener("mouseup", () => { dot.style.transform = ""; }, true);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", add); else add();
})();
"""
