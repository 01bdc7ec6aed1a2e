// Starts Swagger UI on the API's reference page (/api/docs) with the document's address and
// the settings the server put on the container (flask-smorest's inline start-up, moved here).
(function () {
  "use strict";
  const container = document.getElementById("swagger-ui-container");
  if (!container || !window.SwaggerUIBundle) return;
  const config = Object.assign(
    { url: container.dataset.specUrl, dom_id: "#swagger-ui-container", validatorUrl: null },
    JSON.parse(container.dataset.config || "{}")
  );
  window.ui = window.SwaggerUIBundle(config);
})();
