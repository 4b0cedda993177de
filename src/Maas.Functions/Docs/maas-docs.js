// The docs page: Swagger UI over /openapi.json. With Entra ID on, the user signs in first (authorization code with
// PKCE, no client secret), and every request Swagger UI sends, the document's included, carries the access token.
(async () => {
  const config = JSON.parse(document.getElementById("maas-docs-config").textContent);
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

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function signIn(auth) {
  const stored = JSON.parse(sessionStorage.getItem("maas.token") || "null");
  if (stored && stored.expiresAt > Date.now() + 60000) {
    return stored.accessToken;
  }

  const redirectUri = `${location.origin}/docs`;
  const query = new URLSearchParams(location.search);
  if (query.has("code") && query.get("state") === sessionStorage.getItem("maas.state")) {
    const response = await fetch(auth.tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: auth.clientId,
        grant_type: "authorization_code",
        code: query.get("code"),
        redirect_uri: redirectUri,
        code_verifier: sessionStorage.getItem("maas.verifier"),
        scope: auth.scopes.join(" "),
      }),
    });
    const answer = await response.json();
    history.replaceState(null, "", "/docs");
    if (answer.access_token) {
      sessionStorage.setItem("maas.token", JSON.stringify({ accessToken: answer.access_token, expiresAt: Date.now() + answer.expires_in * 1000 }));
      return answer.access_token;
    }
  }

  document.getElementById("maas-sign-in").hidden = false;
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64Url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("maas.verifier", verifier);
  sessionStorage.setItem("maas.state", state);
  const challenge = base64Url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  location.assign(`${auth.authorizeUrl}?${new URLSearchParams({
    client_id: auth.clientId,
    response_type: "code",
    redirect_uri: redirectUri,
    scope: auth.scopes.join(" "),
    code_challenge: challenge,
    code_challenge_method: "S256",
    state,
  })}`);
  return new Promise(() => {});
}
