/**
 * The console's sign-in, in the browser: DOM, WebCrypto and fetch only, no dependencies, nothing
 * from src/ (node code). Bundled by esbuild (target es2022); type-checked by console/tsconfig.json.
 *
 * - Development (never in production): `devSignIn(choice)` asks the hub for a short-lived token
 *   from its development issuer (`POST /console/dev-token`).
 * - Production: OpenID Connect authorization code flow with PKCE (S256) against an agency's
 *   identity provider, a public client. `beginOidcSignIn` leaves for the provider; the page it
 *   returns to (origin + "/") calls `completeOidcSignIn` first thing. To sign in again without
 *   leaving the page (what the user was typing stays), `oidcSignInPopup` runs the same flow in a
 *   popup, which must be opened from a click.
 *
 * The token it returns is kept in memory only (console/src/session.ts): never in localStorage, sessionStorage, a cookie or a
 * URL. sessionStorage holds only the round trip's state, nonce, PKCE verifier and provider id,
 * and only until the provider sends the user back.
 */

/** One identity provider, as `GET /console/sign-in-options` lists it; `id` is its issuer. */
export interface SignInProvider {
  id: string;
  label: string;
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint: string | null;
  scope: string;
  resource: string | null;
}

/** The console's name for a provider. */
export type Provider = SignInProvider;

/** The development form's choices (absent in production). */
export interface DevelopmentChoices {
  /** Agency codes the demo data holds; any other code may be typed. */
  agencies: string[];
  /** For each of those, the kinds that may claim it (an LA's code: children's services or education). */
  kindsOf: Record<string, string[]>;
  kinds: string[];
  roles: string[];
  tokenSeconds: number;
}

export interface SignInOptions {
  providers: SignInProvider[];
  development?: DevelopmentChoices;
}

/** What the development form sends: any agency code (`LA-213`) with a kind that agrees with it. */
export interface DevChoice {
  sub: string;
  agency: string;
  agencyKind: string;
  roles: string[];
}

export interface SignedIn {
  /** The bearer token for `/graphql`: `authorization: Bearer <token>`. */
  token: string;
  /** When the token expires, in ms since the epoch. */
  expiresAt: number;
  /** The provider signed in with; absent for a development sign-in. */
  provider?: SignInProvider;
  /** The provider's ID token, kept in memory for `id_token_hint` at sign-out. */
  idToken?: string;
  /** After an OIDC sign-in with an end-session endpoint: leave for it, ending the provider's session (returns to origin + "/"). */
  endSession?: () => void;
}

/** A sign-in that did not work. `code`: the hub's (BAD_USER_INPUT, …) or the provider's (access_denied, …) or ours (STATE_MISMATCH, …); `field`: the dev form's field at fault. */
export class SignInError extends Error {
  constructor(message: string, readonly code: string, readonly field?: string) {
    super(message);
    this.name = 'SignInError';
  }
}

const PENDING_KEY = 'harbour.sign-in';
const POPUP_NAME = 'harbour-sign-in';
const MESSAGE_TYPE = 'harbour-sign-in';
/** A popup's state starts with this, so the page it returns to knows it is the popup (window.name does not survive a cross-site navigation). */
const POPUP_STATE = 'p.';

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  providerId: string;
}

/** Where the provider sends the user back: the console, at the origin's root. */
export function redirectUri(): string {
  return `${location.origin}/`;
}

async function hubError(response: Response): Promise<SignInError> {
  try {
    const body = (await response.json()) as { errors?: { message?: string; extensions?: { code?: string; field?: string } }[] };
    const error = body.errors?.[0];
    if (error?.message) return new SignInError(error.message, error.extensions?.code ?? `HTTP_${response.status}`, error.extensions?.field);
  } catch {
    // not JSON: fall through
  }
  return new SignInError(`The hub answered ${response.status}.`, `HTTP_${response.status}`);
}

export async function fetchSignInOptions(): Promise<SignInOptions> {
  const response = await fetch('/console/sign-in-options', { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!response.ok) throw await hubError(response);
  return (await response.json()) as SignInOptions;
}

/** Development only: a token from the hub's development issuer. */
export async function devSignIn(choice: DevChoice): Promise<SignedIn> {
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    cache: 'no-store',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(choice),
  });
  if (!response.ok) throw await hubError(response);
  const body = (await response.json()) as { token: string; expiresAt: string | number };
  // The hub answers ISO 8601; ms since the epoch is taken too (a stand-in route in a test may send it).
  const signedIn: SignedIn = { token: body.token, expiresAt: typeof body.expiresAt === 'number' ? body.expiresAt : Date.parse(body.expiresAt) };
  return signedIn;
}

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** A JWT's claims, unverified (the hub verifies; this reads `exp` and `nonce` only). */
function claimsOf(jwt: string): Record<string, unknown> | undefined {
  try {
    const part = jwt.split('.')[1] ?? '';
    const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function authorizationUrl(provider: SignInProvider, pending: Pending): Promise<string> {
  const url = new URL(provider.authorizationEndpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: provider.clientId,
    redirect_uri: redirectUri(),
    scope: provider.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  };
  if (provider.resource) params.resource = provider.resource;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

function newPending(provider: SignInProvider, popup = false): Pending {
  return { state: (popup ? POPUP_STATE : '') + randomString(), nonce: randomString(), verifier: randomString(48), providerId: provider.id };
}

/** Leave for the provider's sign-in page. The page at origin + "/" must call `completeOidcSignIn` on return. */
export async function beginOidcSignIn(provider: SignInProvider): Promise<void> {
  const pending = newPending(provider);
  const url = await authorizationUrl(provider, pending);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(url);
}

/** The code for a returned authorization response, checked against what was sent. */
function codeFrom(params: URLSearchParams, pending: Pending, provider: SignInProvider): string {
  if (params.get('state') !== pending.state) throw new SignInError('The sign-in came back with another state: start again.', 'STATE_MISMATCH');
  const iss = params.get('iss');
  if (iss !== null && iss !== provider.id) throw new SignInError('The sign-in came back from another provider: start again.', 'ISSUER_MISMATCH');
  const error = params.get('error');
  if (error) throw new SignInError(params.get('error_description') ?? 'The provider refused the sign-in.', error);
  const code = params.get('code');
  if (!code) throw new SignInError('The provider sent no authorization code.', 'NO_CODE');
  return code;
}

async function exchange(provider: SignInProvider, code: string, pending: Pending): Promise<SignedIn> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: provider.clientId, code_verifier: pending.verifier });
  if (provider.resource) form.set('resource', provider.resource);
  let response: Response;
  try {
    response = await fetch(provider.tokenEndpoint, { method: 'POST', cache: 'no-store', credentials: 'omit', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form });
  } catch {
    throw new SignInError('The provider could not be reached.', 'PROVIDER_UNREACHABLE');
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; id_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new SignInError(body.error_description ?? 'The provider did not give a token.', body.error ?? `HTTP_${response.status}`);
  }
  if (body.id_token !== undefined && claimsOf(body.id_token)?.nonce !== pending.nonce) throw new SignInError('The provider answered another sign-in: start again.', 'NONCE_MISMATCH');
  const exp = claimsOf(body.access_token)?.exp;
  const expiresAt = typeof exp === 'number' ? exp * 1000 : Date.now() + (typeof body.expires_in === 'number' ? body.expires_in : 300) * 1000;
  const idToken = body.id_token;
  const endSession = provider.endSessionEndpoint ? () => location.assign(endSessionUrl(provider, idToken)) : undefined;
  return { token: body.access_token, expiresAt, provider, ...(idToken !== undefined ? { idToken } : {}), ...(endSession ? { endSession } : {}) };
}

function endSessionUrl(provider: SignInProvider, idToken: string | undefined): string {
  const url = new URL(provider.endSessionEndpoint!);
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri());
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  return url.toString();
}

function returnParams(): URLSearchParams | undefined {
  const params = new URLSearchParams(location.search);
  return params.has('state') && (params.has('code') || params.has('error')) ? params : undefined;
}

/** Take the provider's answer out of the address bar and history. */
function scrubUrl(): void {
  const url = new URL(location.href);
  for (const key of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state']) url.searchParams.delete(key);
  history.replaceState(history.state, '', url.pathname + url.search + url.hash);
}

/**
 * True in the popup `oidcSignInPopup` opened, back from the provider: the console renders nothing
 * there and calls `completeOidcSignIn`, which hands the answer to the opener and closes the popup.
 */
export function inSignInPopup(): boolean {
  return (returnParams()?.get('state') ?? '').startsWith(POPUP_STATE) && window.opener !== null;
}

/**
 * On the page the provider returned to: check the state, exchange the code (with the PKCE
 * verifier), clear code and state from the URL. Null when this page load is no
 * return from a provider; null too in the sign-in popup, which hands the answer to its opener and
 * closes. `options`: the sign-in options if already fetched.
 */
export async function completeOidcSignIn(options?: SignInOptions): Promise<SignedIn | null> {
  const params = returnParams();
  if (!params) return null;
  const popup = inSignInPopup();
  scrubUrl();
  if (popup) {
    (window.opener as Window).postMessage({ type: MESSAGE_TYPE, search: params.toString() }, location.origin);
    window.close();
    return null;
  }
  const saved = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!saved) throw new SignInError('This sign-in was not started here (or was already used): start again.', 'NO_SIGN_IN_STARTED');
  const pending = JSON.parse(saved) as Pending;
  const provider = (options ?? (await fetchSignInOptions())).providers.find((p) => p.id === pending.providerId);
  if (!provider) throw new SignInError('That identity provider is no longer offered.', 'UNKNOWN_PROVIDER');
  const signedIn = await exchange(provider, codeFrom(params, pending, provider), pending);
  return signedIn;
}

/**
 * Sign in with `provider` in a popup, staying on this page (for signing in again when the token
 * expired: nothing typed is lost). Call it from a click handler, or the browser blocks the popup
 * (then it rejects with POPUP_BLOCKED). The popup loads the console at origin + "/", which must
 * call `completeOidcSignIn` when `inSignInPopup()`.
 *
 * It needs the opener link to survive the trip through the provider: a console page sent with
 * `Cross-Origin-Opener-Policy: same-origin` (as src/gateway/console.ts sends it now) cuts it when
 * the popup leaves for the provider, and this rejects with POPUP_CLOSED. It works with
 * `same-origin-allow-popups` on the console and no COOP on the page the popup returns to (a popup's
 * return has a state starting "p.").
 */
export async function oidcSignInPopup(provider: SignInProvider): Promise<SignedIn> {
  const popup = window.open('about:blank', POPUP_NAME, 'popup,width=520,height=640');
  if (!popup) throw new SignInError('The browser blocked the sign-in window: allow popups for this site, or sign in again from the start.', 'POPUP_BLOCKED');
  const pending = newPending(provider, true);
  popup.location.href = await authorizationUrl(provider, pending);
  const search = await new Promise<string>((resolve, reject) => {
    const closed = setInterval(() => {
      if (!popup.closed) return;
      finish();
      reject(new SignInError('The sign-in window was closed.', 'POPUP_CLOSED'));
    }, 500);
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; search?: unknown } | null;
      if (event.origin !== location.origin || event.source !== popup || data?.type !== MESSAGE_TYPE || typeof data.search !== 'string') return;
      finish();
      resolve(data.search);
    };
    const finish = () => {
      clearInterval(closed);
      window.removeEventListener('message', onMessage);
    };
    window.addEventListener('message', onMessage);
  });
  const signedIn = await exchange(provider, codeFrom(new URLSearchParams(search), pending, provider), pending);
  return signedIn;
}

