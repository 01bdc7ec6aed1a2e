// The category suggestion on the appeal form: a moment after the citizen stops typing the
// subject or the text, ask the server which category the appeal is likely about and offer
// it under the category field: it fills the category while none is chosen, offers it with a
// button otherwise (never replacing the citizen's choice), and any failure (offline, rate
// limit, no model yet) just shows nothing. Its words come from the page (data-text-* on the
// box, in the reader's language): none are written here.
(function () {
  "use strict";
  const DEBOUNCE_MS = 600;
  const MIN_CHARS = 15; // the server says nothing for less either

  const box = document.getElementById("category-suggestion");
  const form = document.getElementById("appeal-form");
  if (!box || !form || !window.fetch) return;
  const words = box.dataset; // textSuggested ("… {category} …"), textSelected, textUse
  const subject = form.querySelector("[name=subject]");
  const text = form.querySelector("[name=text]");
  const category = form.querySelector("select[name=category_id]");
  if (!subject || !text || !category) return;

  // Under the category field: after its select (and its help text, if any).
  const group = category.closest(".mb-3, .form-group") || category.parentNode;
  group.appendChild(box);

  let timer = null;
  let lastSent = null;
  let inFlight = null;
  let shown = null; // {category_id, category, confidence}

  function csrfToken() {
    const input = form.querySelector("input[name=csrf_token]");
    if (input) return input.value;
    const meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  function hide() {
    shown = null;
    box.classList.add("d-none");
    box.replaceChildren();
  }

  function hasOption(value) {
    return Array.prototype.some.call(category.options, function (option) {
      return option.value === value;
    });
  }

  function render() {
    box.replaceChildren();
    if (!shown) return hide();
    const value = String(shown.category_id);
    const percent = Math.round(shown.confidence * 100);
    const label = document.createElement("span");
    label.className = "suggestion-label";
    label.textContent =
      words.textSuggested.replace("{category}", shown.category) + " (" + percent + "%)";
    box.appendChild(label);
    if (category.value === value) {
      const chosen = document.createElement("span");
      chosen.className = "text-success ms-1";
      chosen.textContent = "— " + words.textSelected;
      box.appendChild(chosen);
    } else {
      box.appendChild(document.createTextNode(" — "));
      const use = document.createElement("button");
      use.type = "button";
      use.className = "btn btn-link btn-sm p-0 align-baseline";
      use.textContent = words.textUse;
      use.addEventListener("click", function () {
        category.value = value;
        category.dispatchEvent(new Event("change", { bubbles: true }));
        render();
        category.focus();
      });
      box.appendChild(use);
    }
    box.classList.remove("d-none");
  }

  function ask() {
    const wanted = (subject.value.trim() + "\n" + text.value.trim()).trim();
    if (wanted.length < MIN_CHARS) {
      lastSent = null;
      return hide();
    }
    if (wanted === lastSent) return;
    lastSent = wanted;
    if (inFlight) inFlight.abort(); // only the answer to the latest text counts
    const controller = new AbortController();
    inFlight = controller;
    fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({ text: wanted }),
      signal: controller.signal,
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (inFlight !== controller) return;
        inFlight = null;
        if (answer && answer.category_id != null && hasOption(String(answer.category_id))) {
          shown = answer;
          // Nothing chosen yet: the suggestion fills the category; the citizen may change it.
          if (category.value === "") category.value = String(answer.category_id);
          render();
        } else {
          hide();
        }
      })
      .catch(function () {
        if (inFlight === controller) {
          inFlight = null;
          hide();
        }
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  }

  subject.addEventListener("input", schedule);
  text.addEventListener("input", schedule);
  category.addEventListener("change", function () {
    if (shown) render();
  });
  // A form shown again with the citizen's text (after an error) gets its suggestion too.
  schedule();
})();
