// Behaviour every page may use, kept out of the markup (the Content-Security-Policy allows no
// inline script or event handler): a button marked data-print prints the page.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-print]");
    if (button) window.print();
  });
})();
