// Paseban: the command centre and a kelurahan's home refresh their numbers by themselves.
// Without this file the page still works; "Muat ulang" reloads it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const region = document.querySelector("[data-refresh]");
  if (!region || !region.id || !window.fetch || !window.DOMParser) return;
  const seconds = Math.max(2, Number(region.getAttribute("data-seconds")) || 60);

  async function refresh() {
    if (document.hidden) return; // a tab in the background asks nothing
    region.classList.add("refreshing");
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok || response.redirected) return; // signed out: leave the page as it is
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (!fresh) return;
      // keep the focus where it was when the same link is still there
      const focused = document.activeElement;
      const href = focused && region.contains(focused) ? focused.getAttribute("href") : null;
      region.replaceChildren(...Array.from(fresh.childNodes).map((n) => document.importNode(n, true)));
      if (href) {
        const again = region.querySelector(`a[href="${CSS.escape(href)}"]`);
        if (again) again.focus({ preventScroll: true });
      }
    } catch (error) {
      // offline for a moment: try again at the next turn
    } finally {
      region.classList.remove("refreshing");
    }
  }

  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
});
