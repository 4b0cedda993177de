// The docs page: Swagger UI over one document at a time, so it stays quick with thousands of models. The service
// document (/openapi.json) has the service's endpoints and the list of models (x-maas-models); the picker loads one
// model's typed document (/models/{name}/openapi.json). /docs?model=<name> opens a model directly. With Entra ID on,
// the user signs in first (maas-sign-in.js), and every request Swagger UI sends, the documents' included, carries the
// access token.
(async () => {
  const config = JSON.parse(document.getElementById("maas-page-config").textContent);
  const token = config.auth ? await signIn(config.auth) : null;
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const picker = document.getElementById("maas-model");
  const status = document.getElementById("maas-picker-status");
  const service = await fetch("/openapi.json", { headers }).then(response => response.ok ? response.json() : {});
  const models = new Map((service["x-maas-models"] || []).map(model => [model.name, model]));
  document.getElementById("maas-models").replaceChildren(...[...models.values()].map(model => {
    const option = document.createElement("option");
    option.value = model.name;
    option.label = model.description ? `${model.name}: ${model.description}` : model.name;
    return option;
  }));
  const count = `${models.size} model${models.size === 1 ? "" : "s"}`;

  // The document to show for a name: the model's own, or the service's for none.
  const documentOf = name => models.has(name) ? models.get(name).document : "/openapi.json";
  const describe = name => { status.textContent = models.has(name) ? `${name}, default version ${models.get(name).defaultVersion} (${count})` : `Service endpoints (${count})`; };

  const initial = new URLSearchParams(location.search).get("model");
  picker.value = models.has(initial) ? initial : "";
  describe(picker.value);
  // The service document is already here: Swagger UI is given it rather than fetching it again.
  const first = picker.value || !service.openapi ? { url: documentOf(picker.value) } : { spec: service };
  window.ui = SwaggerUIBundle({
    ...first,
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

  function show(name) {
    if (name && !models.has(name)) {
      status.textContent = `No model named "${name}" with a Ready version (${count}).`;
      return;
    }
    describe(name);
    history.replaceState(null, "", name ? `?model=${encodeURIComponent(name)}` : location.pathname);
    window.ui.specActions.updateUrl(documentOf(name));
    window.ui.specActions.download(documentOf(name));
  }

  picker.addEventListener("change", () => show(picker.value.trim()));
  document.getElementById("maas-service").addEventListener("click", event => {
    event.preventDefault();
    picker.value = "";
    show("");
  });
})();
