// A real OpenID provider for tukku's single sign-on tests and the walk-through of docs/sso.md:
// panva's certified `oidc-provider`, with its development sign-in pages (any password; the
// login typed is the account, whose e-mail is that login). Loopback only.
//
// Environment: PORT (required), CLIENT_ID, CLIENT_SECRET, REDIRECT_URI (the redirect URI tukku
// shows), UNVERIFIED (comma-separated e-mails the provider does not vouch for).
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
if (!port) throw new Error("PORT is required");
const issuer = `http://127.0.0.1:${port}`;
const unverified = new Set((process.env.UNVERIFIED || "").split(",").filter(Boolean));

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID || "tukku",
      client_secret: process.env.CLIENT_SECRET || "tukku-local-secret",
      redirect_uris: [process.env.REDIRECT_URI || "http://127.0.0.1:8000/portal/sso/callback"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"] },
  cookies: { keys: ["tukku-test-provider-cookie-key"] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, email: id, email_verified: !unverified.has(id) }),
  }),
});

provider.listen(port, "127.0.0.1", () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
