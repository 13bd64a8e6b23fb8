// Paseban: small progressive enhancements. Every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // ask before destructive actions: <button data-confirm="...">
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
  // a reply template fills the reply box, where it can still be edited
  document.querySelectorAll("select[data-template-target]").forEach((select) => {
    select.addEventListener("change", () => {
      const target = document.getElementById(select.getAttribute("data-template-target"));
      const source = document.querySelector(
        `#reply-templates [data-code="${CSS.escape(select.value)}"]`
      );
      if (target) target.value = source ? source.textContent : "";
    });
  });
  // filter forms submit on change when they say so
  document.querySelectorAll("form[data-autosubmit] select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
});
