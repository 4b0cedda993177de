// Sign-in for the app's pages (the docs page and the dashboard) when Entra ID is on: the authorization code flow with
// PKCE, no client secret; the access token is kept for the browser session and sent with every API call.
function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function signIn(auth) {
  const stored = JSON.parse(sessionStorage.getItem("maas.token") || "null");
  if (stored && stored.expiresAt > Date.now() + 60000) {
    return stored.accessToken;
  }

  // Back to the page that asked (/docs or /dashboard): each must be a redirect URI of the app registration.
  const redirectUri = `${location.origin}${location.pathname}`;
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
    history.replaceState(null, "", location.pathname);
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
