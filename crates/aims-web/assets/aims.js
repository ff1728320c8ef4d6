// aims: small progressive enhancements of our own. Every page works without this file; with
// it, row forms save in place and "select all" boxes select.
"use strict";

// A form marked data-inline saves without leaving the page: the server answers it exactly as
// it answers the plain form (a redirect when saved, the page with its error otherwise), and the
// row shows the outcome in its status element.
function saveInPlace(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = form.querySelector("[data-status]");
    const button = form.querySelector("button[type=submit]");
    const say = (text, ok) => {
      if (!status) return;
      status.textContent = text;
      status.className = ok ? "ok" : "error";
    };
    if (button) button.disabled = true;
    say("Saving…", true);
    try {
      const answer = await fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        redirect: "follow",
      });
      if (answer.ok && answer.redirected) {
        say("Saved", true);
        const page = new DOMParser().parseFromString(await answer.text(), "text/html");
        const row = form.closest("[id]");
        const fresh = row && page.getElementById(row.id);
        // Keep derived cells (flags, evidence) true to what was saved.
        if (fresh && row.tagName === "TR") {
          for (const cell of fresh.querySelectorAll("td[data-derived]")) {
            const old = row.querySelector(`td[data-derived="${cell.dataset.derived}"]`);
            if (old) old.replaceWith(cell);
          }
        }
      } else {
        const page = new DOMParser().parseFromString(await answer.text(), "text/html");
        const alert = page.querySelector(".error-summary li, [role=alert]");
        say(alert ? alert.textContent.trim() : `Not saved (${answer.status})`, false);
      }
    } catch (e) {
      say("Not saved: the server could not be reached", false);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

// A checkbox marked data-select-all="name" ticks every box of that name in its form.
function selectAll(box) {
  box.hidden = false;
  const label = box.closest("label");
  if (label) label.hidden = false;
  box.addEventListener("change", () => {
    for (const other of document.querySelectorAll(`input[type=checkbox][name="${box.dataset.selectAll}"]`)) {
      other.checked = box.checked;
    }
  });
}

// An input marked data-filter="selector" shows only the elements matching the selector whose
// text holds what is typed (a long list of choices, say); without script all stay shown.
function filterList(input) {
  input.hidden = false;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of document.querySelectorAll(input.dataset.filter)) {
      const text = item.textContent.toLowerCase();
      item.hidden = !words.every((w) => text.includes(w));
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-filter]").forEach(filterList);
  document.querySelectorAll("form[data-inline]").forEach(saveInPlace);
  document.querySelectorAll("input[data-select-all]").forEach(selectAll);
  // After a form with errors, take the person to the summary.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
