// Broadcast progress: while it sends, read the page again every five seconds and update the
// figures in place (no page reload, so focus and the reader's place stay where they are).
"use strict";

(function () {
  const live = document.getElementById("live");
  if (!live || !live.dataset.follow) return;
  const timer = setInterval(async () => {
    try {
      const response = await fetch(location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html")
        .getElementById("live");
      if (!fresh) return;
      live.replaceChildren(...fresh.childNodes);
      if (!fresh.dataset.follow) clearInterval(timer);
    } catch (err) { /* offline for a moment: the next tick tries again */ }
  }, 5000);
}());
