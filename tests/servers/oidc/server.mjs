// A real OpenID provider for the single sign-on tests: panva's OpenID-certified
// oidc-provider, on 127.0.0.1 only, with one confidential client (the app).
//
// Accounts live in the JSON file ACCOUNTS_FILE, read again at every sign-in and
// every claims request, so a test can remove a group or disable an account
// between two sign-ins:
//   {"olga": {"password": "...", "disabled": false, "id_token_only": false,
//             "claims": {"preferred_username": "olga", "groups": ["escc-clinicians"], ...}}}
//
// The sign-in page checks the password and refuses disabled accounts, as a
// hospital IdP does; consent is implied (the app is the hospital's own).
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const PORT = Number(env('PORT'));
const ACCOUNTS_FILE = env('ACCOUNTS_FILE');
const issuer = `http://127.0.0.1:${PORT}`;

const accounts = () => JSON.parse(fs.readFileSync(ACCOUNTS_FILE, 'utf8'));
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body><h1>${escape(title)}</h1>${body}</body></html>`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: env('CLIENT_ID'),
    client_secret: env('CLIENT_SECRET'),
    client_name: 'ESCC decision support',
    redirect_uris: [env('REDIRECT_URI')],
    post_logout_redirect_uris: [env('POST_LOGOUT_REDIRECT_URI')],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile'],
  // groups go with the profile scope here; Entra ID sends them in the ID token.
  claims: {
    openid: ['sub'],
    email: ['email'],
    profile: ['preferred_username', 'given_name', 'family_name', 'name', 'groups'],
  },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account || account.disabled) return undefined;
    return {
      accountId: id,
      // An account with "id_token_only" lists its groups in the ID token alone, as Entra ID does.
      async claims(use) {
        const { groups, ...rest } = account.claims;
        const withGroups = !account.id_token_only || use === 'id_token';
        return { sub: id, ...rest, ...(withGroups && groups ? { groups } : {}) };
      },
    };
  },
  // Scope claims go in the ID token too (as Entra ID's optional claims do), not only in userinfo.
  conformIdTokenClaims: false,
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out of the hospital sign-on?',
          `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
    },
  },
  cookies: { keys: ['escc-test-provider-cookie-key-not-a-secret'] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Sign-on error', `<pre>${escape(JSON.stringify(out))}</pre>`);
  },
});

const loginForm = (uid, message = '') => page('Hospital sign-on', `
${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
  <label>Username <input name="login" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>`);

const readForm = (req) => new Promise((resolve, reject) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
    if (body.length > 10000) reject(new Error('form too large'));
  });
  req.on('end', () => resolve(new URLSearchParams(body)));
  req.on('error', reject);
});

const send = (res, status, html) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
};

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    send(res, 200, loginForm(details.uid));
    return;
  }
  const form = await readForm(req);
  const login = form.get('login') || '';
  const account = accounts()[login];
  if (!account || account.password !== form.get('password')) {
    send(res, 200, loginForm(details.uid, 'Wrong username or password.'));
    return;
  }
  if (account.disabled) {
    send(res, 200, loginForm(details.uid, 'This account is disabled.'));
    return;
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: login }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => send(res, 400, page('Sign-on error', escape(error.message))));
    return;
  }
  callback(req, res);
}).listen(PORT, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
