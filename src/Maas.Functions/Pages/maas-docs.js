// The docs page: Swagger UI over /openapi.json. With Entra ID on, the user signs in first (maas-sign-in.js), and every
// request Swagger UI sends, the document's included, carries the access token.
(async () => {
  const config = JSON.parse(document.getElementById("maas-page-config").textContent);
  const token = config.auth ? await signIn(config.auth) : null;
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "list",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    requestInterceptor: request => {
      if (token) {
        request.headers.Authorization = `Bearer ${token}`;
      }
      return request;
    },
  });
})();
