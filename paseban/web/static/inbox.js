// Paseban's inbox, enhanced: new messages announced as they arrive ("N pesan baru", shown on
// request so nothing moves under the reader), card actions sent without leaving the page,
// keyboard shortcuts (j/k, o, r, b, x, /, n, ?), and the bulk form's count. Every action also
// works without this file: the forms post and come back to the same filtered page.
"use strict";

(() => {
  const list = () => document.getElementById("daftar-pesan");
  const cards = () => Array.from(document.querySelectorAll("#daftar-pesan article.msg"));
  const typing = (el) => el && el.closest && el.closest("input, textarea, select, [contenteditable]");
  const say = (text) => {
    const status = document.getElementById("arrivals-status");
    if (status) status.textContent = text;
  };

  // --- live arrivals --------------------------------------------------------------------------
  function arrivals() {
    const box = document.querySelector(".arrivals");
    if (!box || !window.fetch) return null;
    const button = box.querySelector("button");
    let latest = Number(box.getAttribute("data-latest")) || 0;
    let shown = 0;
    const withAfter = (url) => `${url}${url.includes("?") ? "&" : "?"}setelah=${latest}`;

    async function poll() {
      if (document.hidden) return;
      try {
        const response = await fetch(withAfter(box.getAttribute("data-poll")), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok || response.redirected) return;
        const data = await response.json();
        if (!data.count) return;
        const label = `${data.count}${data.more ? "+" : ""} pesan baru`;
        button.textContent = `${label} · tampilkan`;
        box.hidden = false;
        if (data.count !== shown) say(`${label} masuk`);
        shown = data.count;
      } catch (error) {
        // offline for a moment: ask again at the next turn
      }
    }

    async function show() {
      if (box.getAttribute("data-insert") !== "top") {
        window.location.reload(); // the new ones belong further down this order
        return;
      }
      const back = window.location.pathname + window.location.search;
      const url = `${withAfter(box.getAttribute("data-cards"))}&kembali=${encodeURIComponent(back)}`;
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = Array.from(page.querySelectorAll("article.msg"))
        .filter((card) => !document.getElementById(card.id))
        .map((card) => document.importNode(card, true));
      fresh.forEach((card) => {
        card.setAttribute("data-arrived", "1");
        card.setAttribute("tabindex", "-1");
      });
      if (!fresh.length) {
        box.hidden = true;
        return;
      }
      const target = list();
      const empty = target.querySelector(".empty");
      if (empty) empty.remove();
      target.prepend(...fresh);
      latest = Math.max(latest, ...fresh.map((card) => Number(card.getAttribute("data-id"))));
      box.hidden = true;
      shown = 0;
      say(`${fresh.length} pesan baru ditampilkan di atas`);
      fresh[0].focus(); // the reader asked for them: go to the first
    }

    button.addEventListener("click", show);
    const seconds = Math.max(2, Number(box.getAttribute("data-seconds")) || 15);
    window.setInterval(poll, seconds * 1000);
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) poll();
    });
    return { show, visible: () => !box.hidden };
  }

  // --- card actions without leaving the page ---------------------------------------------------
  async function sendInline(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-inline]")) return;
    const card = form.closest("article.msg");
    if (!card || !window.fetch) return;
    event.preventDefault();
    const data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    const buttons = Array.from(form.querySelectorAll("button"));
    buttons.forEach((b) => (b.disabled = true));
    card.querySelectorAll(".error-line").forEach((el) => el.remove());
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const result = await response.json();
        settle(card, result.notice);
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const detail = page.querySelector("main section.card p, main p");
      problem(card, detail ? detail.textContent : `Gagal (${response.status}); muat ulang halaman.`);
    } catch (error) {
      problem(card, "Tidak tersambung ke server; coba lagi.");
    }
    buttons.forEach((b) => (b.disabled = false));
  }

  function settle(card, notice) {
    const actions = card.querySelector(".card-actions");
    const done = document.createElement("p");
    done.className = "done-line";
    done.setAttribute("role", "status");
    done.textContent = notice;
    const open = card.querySelector("a.open");
    if (open) {
      done.append(" ");
      const link = open.cloneNode(true);
      link.textContent = "Lihat pesan";
      done.append(link);
    }
    if (actions) actions.replaceWith(done);
    card.classList.add("settled");
    const pick = card.querySelector("input.pick");
    if (pick) {
      pick.checked = false;
      pick.disabled = true;
    }
    countPicked();
  }

  function problem(card, text) {
    const line = document.createElement("p");
    line.className = "error error-line";
    line.setAttribute("role", "alert");
    line.textContent = text;
    card.append(line);
  }

  // --- choosing several ------------------------------------------------------------------------
  function countPicked() {
    const form = document.getElementById("massal");
    if (!form) return;
    const picked = document.querySelectorAll("input.pick:checked").length;
    const box = form.closest("details");
    const label = box && box.querySelector(".picked");
    if (label) label.textContent = picked ? `(${picked} dipilih)` : "";
    if (box && picked) box.open = true;
  }

  function bulkFields() {
    const form = document.getElementById("massal");
    if (!form) return;
    const action = form.querySelector("select[name=aksi]");
    const intent = form.querySelector("select[name=intent]").closest("label");
    const template = form.querySelector("select[name=template]").closest("label");
    const sync = () => {
      intent.hidden = action.value !== "bukan_aduan";
      template.hidden = action.value !== "balas";
    };
    action.addEventListener("change", sync);
    sync();
  }

  // --- the keyboard -----------------------------------------------------------------------------
  let current = -1;

  function go(index) {
    const all = cards();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((card, i) => card.classList.toggle("current", i === current));
    all[current].focus();
  }

  function currentCard() {
    const all = cards();
    const focused = document.activeElement && document.activeElement.closest("article.msg");
    if (focused) current = all.indexOf(focused);
    return all[current] || null;
  }

  function openPanel(card, which, target) {
    const panel = card.querySelector(`details.${which}`);
    if (!panel) return;
    panel.open = true;
    const field = panel.querySelector(target);
    if (field) field.focus();
  }

  function shortcuts(live) {
    const help = document.getElementById("pintasan");
    const opener = document.querySelector(".shortcuts-open");
    if (help && opener && typeof help.showModal === "function") {
      opener.hidden = false;
      opener.addEventListener("click", () => help.showModal());
    }
    document.addEventListener("keydown", (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (help && help.open) return; // the dialog closes itself with Esc
      if (typing(event.target)) {
        if (event.key === "Escape") event.target.blur();
        return;
      }
      const card = currentCard();
      switch (event.key) {
        case "j":
          go(current + 1);
          break;
        case "k":
          go(current <= 0 ? 0 : current - 1);
          break;
        case "o":
        case "Enter": {
          if (event.key === "Enter" && event.target.closest("a, button, summary")) return;
          const link = card && card.querySelector("a.open");
          if (!link) return;
          window.location.href = link.href;
          break;
        }
        case "r":
          if (!card) return;
          openPanel(card, "reply", ".quick-buttons button, textarea");
          break;
        case "b":
          if (!card) return;
          openPanel(card, "more", "select[name=intent], button");
          break;
        case "x": {
          const pick = card && card.querySelector("input.pick:not(:disabled)");
          if (!pick) return;
          pick.checked = !pick.checked;
          countPicked();
          break;
        }
        case "/": {
          const search = document.getElementById("cari");
          if (!search) return;
          search.focus();
          search.select();
          break;
        }
        case "n":
          if (!live || !live.visible()) return;
          live.show();
          break;
        case "?":
          if (help && typeof help.showModal === "function") help.showModal();
          break;
        case "Escape":
          document.querySelectorAll("#daftar-pesan details[open]").forEach((d) => (d.open = false));
          if (card) card.focus();
          break;
        default:
          return;
      }
      event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!list()) return;
    cards().forEach((card) => card.setAttribute("tabindex", "-1"));
    document.addEventListener("submit", sendInline);
    document.addEventListener("change", (event) => {
      const el = event.target;
      if (!el.matches) return;
      if (el.matches("input.pick")) countPicked();
      // paseban.js fills the reply box of the cards that were there at first; these arrived later
      if (el.matches("[data-arrived] select[data-template-target]")) {
        const box = document.getElementById(el.getAttribute("data-template-target"));
        const text = document.querySelector(`#reply-templates [data-code="${CSS.escape(el.value)}"]`);
        if (box) box.value = text ? text.textContent : "";
      }
    });
    bulkFields();
    countPicked();
    shortcuts(arrivals());
  });
})();
