// Paseban content pages: the draft quality checker, re-run when typing pauses.
// Progressive enhancement: the page works without it (the score is computed on save).
"use strict";

(() => {
  const DEBOUNCE_MS = 400;

  function value(id) {
    const el = document.getElementById(id);
    return el ? el.value : "";
  }

  function platform() {
    const select = document.getElementById("f-account");
    const option = select && select.selectedOptions[0];
    return (option && option.dataset.platform) || "instagram";
  }

  function show(report) {
    const score = document.getElementById("q-score");
    const grade = document.getElementById("q-grade");
    const list = document.getElementById("q-points");
    if (!score || !grade || !list) return;
    score.textContent = String(report.score);
    score.className = "qscore " + (report.score >= 80 ? "good" : report.score >= 60 ? "fair" : "poor");
    grade.textContent = report.grade_label;
    let blockers = document.getElementById("q-blockers");
    if (report.blockers.length) {
      if (!blockers) {
        blockers = document.createElement("p");
        blockers.id = "q-blockers";
        blockers.className = "error";
        list.parentNode.insertBefore(blockers, list);
      }
      blockers.textContent = report.blockers.join(" ");
    } else if (blockers) {
      blockers.remove();
    }
    list.replaceChildren();
    for (const point of report.points) {
      const item = document.createElement("li");
      item.className = "level-" + point.level;
      const label = document.createElement("strong");
      label.textContent = point.label;
      const earned = document.createElement("small");
      earned.textContent = " " + Math.round(point.earned) + "/" + point.weight;
      const reasons = document.createElement("ul");
      for (const reason of point.reasons) {
        const li = document.createElement("li");
        li.textContent = reason;
        reasons.appendChild(li);
      }
      item.append(label, earned, reasons);
      list.appendChild(item);
    }
  }

  function setup(textarea) {
    const panel = document.getElementById("quality");
    const counter = document.getElementById("f-count");
    let timer = null;
    let inflight = null;

    async function check() {
      if (inflight) inflight.abort();
      inflight = new AbortController();
      const body = {
        text: textarea.value,
        platform: platform(),
        content_type: value("f-type") || "informasi",
        program_id: value("f-program") ? Number(value("f-program")) : null,
        campaign_id: value("f-campaign") ? Number(value("f-campaign")) : null,
      };
      const form = textarea.form;
      if (form && form.querySelector("input[name=media_form]")) {
        // the post's pictures and video are judged too, as they stand in the form
        body.media_ids = Array.from(form.querySelectorAll("input[name=media_id]"), (el) => Number(el.value));
        body.media_alts = Array.from(form.querySelectorAll("[name=media_alt]"), (el) => el.value);
        const cover = form.querySelector("[name=cover_media_id]:checked, select[name=cover_media_id]");
        body.cover_media_id = cover && cover.value ? Number(cover.value) : null;
        const offset = form.querySelector("input[name=cover_offset_s]");
        body.cover_offset_ms = offset && offset.value ? Math.round(Number(offset.value) * 1000) : null;
      }
      const headers = { "Content-Type": "application/json" };
      if (panel && panel.dataset.csrf) headers["X-CSRF-Token"] = panel.dataset.csrf;
      try {
        const response = await fetch(textarea.dataset.checkUrl, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          credentials: "same-origin",
          signal: inflight.signal,
        });
        if (response.ok) show(await response.json());
      } catch (error) {
        if (error.name !== "AbortError") console.warn("pemeriksa kualitas:", error);
      }
    }

    function schedule() {
      if (counter) counter.textContent = textarea.value.length + " karakter";
      clearTimeout(timer);
      timer = setTimeout(check, DEBOUNCE_MS);
    }

    textarea.addEventListener("input", schedule);
    for (const id of ["f-account", "f-type", "f-program", "f-campaign"]) {
      const el = document.getElementById(id);
      if (el) el.addEventListener("change", schedule);
    }
    if (textarea.form) {
      textarea.form.querySelectorAll("[name=media_alt], [name=cover_media_id], [name=cover_offset_s]")
        .forEach((el) => el.addEventListener("input", schedule));
    }
    if (textarea.value) schedule();
  }

  // The new-draft page: the section the chosen account's platform requires (TikTok's choices)
  // appears as soon as the account is chosen, rendered by the server, not after the first save.
  function platformSlot() {
    const slot = document.getElementById("platform-slot");
    const select = document.getElementById("f-account");
    if (!slot || !slot.dataset.url || !select) return;
    select.addEventListener("change", async () => {
      const params = new URLSearchParams({ akun: select.value });
      select.form.querySelectorAll("input[name=media_id]").forEach((el) => {
        params.append("media", el.value);
      });
      try {
        const response = await fetch(slot.dataset.url + "?" + params.toString(), {
          credentials: "same-origin",
        });
        if (!response.ok) throw new Error(String(response.status));
        slot.innerHTML = await response.text();
      } catch (error) {
        slot.textContent = "Pengaturan akun ini belum dapat dimuat; simpan konsep untuk melihatnya.";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    platformSlot();
    document.querySelectorAll("textarea[data-check-url]").forEach(setup);
    document.querySelectorAll("[data-confirm]").forEach((el) => {
      if (el.dataset.confirmBound) return;
      el.dataset.confirmBound = "1";
      el.addEventListener("click", (event) => {
        if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
