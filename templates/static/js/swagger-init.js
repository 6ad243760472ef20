/* Swagger UI at /api/schema, set up from a file (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";
  var box = document.getElementById("swagger-container");
  window.ui = SwaggerUIBundle({
    url: box.dataset.specUrl,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
