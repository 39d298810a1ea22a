// A real OpenID Connect provider for StandardFlow's identity tests, on loopback only.
//
//   node provider.mjs PORT APP_BASE_URL AUDIENCE
//
// Two accounts in two organisations, sign-in and consent as plain HTML forms, the authorisation-code
// flow with PKCE, and access tokens issued as JWTs for a resource indicator. Each start makes a new
// signing key, so restarting the provider on the same port is a key rotation as a client sees it.
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';

import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';

const [port, appBase, audience] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const OTHER_AUDIENCE = 'urn:example:another-api';
// The "short" client's access tokens live two seconds, so a test can hold an expired one.
const SHORT_TTL_CLIENT = 'standardflow-cli-short';
const DEFAULT_RESOURCE_CLIENT = 'standardflow-web-api-default';

const ACCOUNTS = {
  'tang.yi': {
    password: 'Provider-Pass-1',
    claims: {
      sub: 'c5a1f0e2-tang-yi', preferred_username: 'tang.yi', name: '唐怡', email: 'tang.yi@sdcia.example',
      groups: ['SDCIA:expert', 'staff'],
    },
  },
  'qian.bo': {
    password: 'Provider-Pass-2',
    claims: {
      sub: '9b7d44aa-qian-bo', preferred_username: 'qian.bo', name: '钱波', email: 'qian.bo@pjmob.example',
      groups: ['PJMOB:proposer'],
    },
  },
};

function accountBySubject(sub) {
  return Object.values(ACCOUNTS).find((account) => account.claims.sub === sub);
}

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function resourceServer(indicator, client) {
  if (indicator !== audience && indicator !== OTHER_AUDIENCE) throw new errors.InvalidTarget();
  return {
    scope: 'api',
    audience: indicator,
    accessTokenFormat: 'jwt',
    accessTokenTTL: client.clientId === SHORT_TTL_CLIENT ? 2 : 600,
    jwt: { sign: { alg: 'RS256' } },
  };
}

function publicClient(clientId) {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
}

const configuration = {
  clients: [
    {
      client_id: 'standardflow-web',
      client_secret: 'web-client-secret',
      redirect_uris: [`${appBase}/login/oidc/callback`],
      post_logout_redirect_uris: [`${appBase}/login`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    // A web client whose tokens are for the API by default: its access token is a JWT for the API,
    // which the userinfo endpoint refuses, as a provider with a default resource does.
    {
      client_id: DEFAULT_RESOURCE_CLIENT,
      client_secret: 'web-client-secret',
      redirect_uris: [`${appBase}/login/oidc/callback`],
      post_logout_redirect_uris: [`${appBase}/login`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
    publicClient('standardflow-cli'),
    publicClient(SHORT_TTL_CLIENT),
  ],
  jwks: { keys: [await signingKey()] },
  cookies: { keys: ['test-provider-cookie-key'] },
  scopes: ['openid', 'profile', 'email', 'groups', 'api'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email'],
    groups: ['groups'],
  },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource },
    resourceIndicators: {
      enabled: true,
      useGrantedResource: () => true,
      defaultResource: (ctx, client, oneOf) => oneOf
        || (client.clientId === DEFAULT_RESOURCE_CLIENT ? audience : undefined),
      getResourceServerInfo: (ctx, indicator, client) => resourceServer(indicator, client),
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accountBySubject(sub);
    return account && { accountId: sub, claims: () => account.claims };
  },
  async extraTokenClaims(ctx, token) {
    const account = token.accountId && accountBySubject(token.accountId);
    if (!account) return undefined;
    const { preferred_username, name, email, groups } = account.claims;
    return { preferred_username, name, email, groups };
  },
};

async function logoutSource(ctx, form) {
  ctx.body = page('Sign out', `${form}<button form="op.logoutForm" name="logout" value="yes">Sign out</button>`);
}

function page(title, body) {
  return `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function sendHtml(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(uid, error) {
  const message = error ? `<p class="error">${escapeHtml(error)}</p>` : '';
  return page('Sign in', `${message}<form method="post" action="/interaction/${uid}/login">
    <input name="login" required><input name="password" type="password" required>
    <button type="submit">Sign in</button></form>`);
}

function consentForm(uid, clientId) {
  return page('Authorise', `<p>${escapeHtml(clientId)} asks to know who you are.</p>
    <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Continue</button></form>`);
}

async function showInteraction(req, res, provider) {
  const { uid, prompt, params } = await provider.interactionDetails(req, res);
  if (prompt.name === 'login') return sendHtml(res, 200, loginForm(uid));
  return sendHtml(res, 200, consentForm(uid, params.client_id));
}

async function submitLogin(req, res, provider) {
  const { uid } = await provider.interactionDetails(req, res);
  const form = await readForm(req);
  const account = ACCOUNTS[form.get('login')];
  if (!account || account.password !== form.get('password')) {
    return sendHtml(res, 401, loginForm(uid, 'wrong login or password'));
  }
  const result = { login: { accountId: account.claims.sub } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

async function submitConsent(req, res, provider) {
  const { prompt: { details }, grantId, session, params } = await provider.interactionDetails(req, res);
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes || {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const result = { consent: { grantId: await grant.save() } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

const INTERACTION = /^\/interaction\/([\w-]+)(\/login|\/confirm)?$/;

// PUT /test/accounts/LOGIN with {password, claims}: adds or changes an account, so a test can have a
// person of its own and change what the provider says about them (a claim left out is not sent).
const TEST_ACCOUNT = /^\/test\/accounts\/([\w.-]+)$/;

async function putAccount(req, res, login) {
  let body = '';
  for await (const chunk of req) body += chunk;
  const { password, claims } = JSON.parse(body);
  ACCOUNTS[login] = { password, claims: { preferred_username: login, ...claims } };
  res.writeHead(204);
  res.end();
}

async function interaction(req, res, provider, step) {
  if (req.method === 'GET' && !step) return showInteraction(req, res, provider);
  if (req.method === 'POST' && step === '/login') return submitLogin(req, res, provider);
  if (req.method === 'POST' && step === '/confirm') return submitConsent(req, res, provider);
  return sendHtml(res, 405, page('Not allowed', ''));
}

const provider = new Provider(issuer, configuration);
const callback = provider.callback();

const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, issuer);
  const account = TEST_ACCOUNT.exec(pathname);
  if (account && req.method === 'PUT') return putAccount(req, res, account[1]);
  const match = INTERACTION.exec(pathname);
  if (!match) return callback(req, res);
  return interaction(req, res, provider, match[2]).catch((error) => {
    sendHtml(res, 400, page('Interaction failed', escapeHtml(error.message)));
  });
});

server.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
