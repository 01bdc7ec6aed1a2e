// Behaviour every page may use, kept out of the markup (the Content-Security-Policy allows no
// inline script or event handler).
(function () {
  "use strict";

  // A button marked data-print prints the page.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-print]");
    if (button) window.print();
  });

  // File inputs that carry their limits (data-max-files, data-max-bytes, accept: rendered by
  // the form from the server's settings) are checked when files are picked and again before
  // the form is sent: a file too large or of a type not accepted is said next to the input
  // and nothing is sent, so what was typed stays on the page. The server checks again.
  function problems(input) {
    const files = Array.from(input.files || []);
    const found = [];
    const maxFiles = parseInt(input.dataset.maxFiles, 10);
    const maxBytes = parseInt(input.dataset.maxBytes, 10);
    const accepted = (input.getAttribute("accept") || "").split(",").filter(Boolean);
    if (maxFiles && files.length > maxFiles) found.push(input.dataset.messageCount);
    files.forEach(function (file) {
      const dot = file.name.lastIndexOf(".");
      const extension = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
      if (accepted.length && accepted.indexOf(extension) < 0) {
        found.push(input.dataset.messageType.replace("{name}", file.name));
      } else if (maxBytes && file.size > maxBytes) {
        found.push(input.dataset.messageSize.replace("{name}", file.name));
      }
    });
    return found;
  }

  function show(input, found) {
    let box = input.parentNode.querySelector("[data-file-check]");
    if (!box) {
      box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.id = (input.id || input.name) + "-file-check";
      box.setAttribute("data-file-check", "");
      box.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", box);
      input.setAttribute("aria-describedby", box.id);
    }
    box.textContent = found.join(" ");
    box.hidden = found.length === 0;
    input.classList.toggle("is-invalid", found.length > 0);
    return found.length === 0;
  }

  const checked = "input[type=file][data-max-files]";
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches(checked)) {
      show(event.target, problems(event.target));
    }
  });
  document.addEventListener("submit", function (event) {
    const inputs = Array.from(event.target.querySelectorAll(checked));
    const wrong = inputs.filter(function (input) { return !show(input, problems(input)); });
    if (wrong.length) {
      event.preventDefault();
      wrong[0].focus();
    }
  }, true);

  // A part of the page the worker is still making (data-fill-with names it; the look-alikes
  // of an official's appeal): the page asks for a fresh copy of itself a few times, later
  // each time, and puts the part in place of the note once it is there. When the fresh copy
  // has neither the part nor the note, there is nothing to show and the note goes.
  document.querySelectorAll("[data-fill-with]").forEach(function (note) {
    const url = note.dataset.fillFrom;
    const wanted = '[data-testid="' + note.dataset.fillWith + '"]';
    let tries = 0;
    function ask() {
      tries += 1;
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) {
          const fresh = new DOMParser().parseFromString(html, "text/html");
          const part = fresh.querySelector(wanted);
          if (part) {
            note.replaceWith(document.importNode(part, true));
          } else if (!fresh.querySelector("[data-fill-with]")) {
            note.remove();
          } else if (tries < 5) {
            setTimeout(ask, 1500 * tries);
          }
        })
        .catch(function () { /* the note and its link stay */ });
    }
    setTimeout(ask, 1500);
  });
})();
