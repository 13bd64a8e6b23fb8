// Paseban media library: upload several files with a progress bar each. Progressive
// enhancement: without this file the form posts all files at once and the server answers
// with a page. With it, each file goes in its own request (small requests suit phones on
// weak networks, and one bad file does not hold the others back).
"use strict";

(() => {
  function item(list, name) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const note = document.createElement("small");
    li.append(label, " ", bar, " ", note);
    list.appendChild(li);
    return { li, bar, note };
  }

  function send(form, file, row) {
    return new Promise((resolve) => {
      const data = new FormData();
      for (const [key, value] of new FormData(form).entries()) {
        if (key !== "files") data.append(key, value);
      }
      data.append("files", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      const csrf = form.querySelector("input[name=csrf]");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf.value);
      xhr.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) row.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (error) { body = {}; }
        const problems = (body.errors || []).map((e) => e.detail);
        if (xhr.status < 300 && !problems.length) {
          row.bar.value = 100;
          row.note.textContent = "selesai";
          row.li.className = "done";
          resolve(true);
        } else {
          row.note.textContent = problems.join(" ") || body.detail || "gagal (" + xhr.status + ")";
          row.li.className = "failed";
          resolve(false);
        }
      });
      xhr.addEventListener("error", () => {
        row.note.textContent = "jaringan terputus; coba lagi";
        row.li.className = "failed";
        resolve(false);
      });
      xhr.send(data);
    });
  }

  function setup(form) {
    const input = form.querySelector("input[type=file]");
    const list = form.querySelector("[data-progress]");
    if (!input || !list || !window.FormData || !window.XMLHttpRequest) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const files = Array.from(input.files || []);
      if (!files.length) return;
      const max = Number(form.dataset.maxFiles || 0);
      list.replaceChildren();
      const button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      let ok = 0;
      for (const [index, file] of files.entries()) {
        const row = item(list, file.name);
        if (max && index >= max) {
          row.note.textContent = "melewati batas jumlah berkas sekali unggah";
          row.li.className = "failed";
          continue;
        }
        if (await send(form, file, row)) ok += 1;
      }
      if (button) button.disabled = false;
      const status = document.createElement("li");
      status.textContent = ok + " dari " + files.length + " berkas diunggah.";
      list.appendChild(status);
      if (ok === files.length) {
        window.location.assign(form.dataset.done || "/konten/media?milik=1&ok=uploaded");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-upload]").forEach(setup);
  });
})();
