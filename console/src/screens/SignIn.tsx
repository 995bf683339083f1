/**
 * Sign in: the agency's OpenID Connect provider (authorization code with PKCE), or, in
 * development only, a form that picks agency, kind, role and user and mints a token from the
 * development issuer. Shown as a page, or as a dialog over the screen when a token expires.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { print } from '@0no-co/graphql.web';
import type { ResultOf } from '../graphql';
import { beginOidcSignIn, devSignIn, fetchSignInOptions, oidcSignInPopup, type Provider, type SignInOptions } from '../auth';
import { words } from '../format';
import { ME } from '../queries';
import { session } from '../session';

/**
 * How long a token lasts by this browser's clock: its lifetime (exp − iat) from now, so a clock
 * that is wrong does not end a session early or keep a dead one. The issuer's `expiresAt` when
 * the token says nothing.
 */
function localExpiry(token: string, expiresAt: number): number {
  try {
    const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number; iat?: number };
    if (typeof claims.exp === 'number' && typeof claims.iat === 'number') return Date.now() + (claims.exp - claims.iat) * 1000;
  } catch {
    // not a JWT we can read: trust the issuer's word
  }
  return expiresAt;
}

/** After a token is issued: ask the hub who it takes us to be, then carry on as them. */
export async function adopt(token: string, issuedExpiry: number, endSession?: () => void): Promise<void> {
  const expiresAt = localExpiry(token, issuedExpiry);
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(ME) }),
    credentials: 'omit',
  });
  const body = (await response.json()) as { data?: ResultOf<typeof ME> };
  if (!body.data) throw new Error('harbour did not accept that sign-in. Try again, or ask your administrator.');
  const me = body.data.me;
  session.signedIn({ token, expiresAt, endSession, principal: { ...me, roles: [...me.roles] } });
}

const DEMO_USERS: Record<string, { agency: string; roles: string[]; sub: string }> = {
  CHILDRENS_SERVICES: { agency: 'LA-886', roles: ['MASH_COORDINATOR'], sub: 'mash.coordinator' },
  POLICE: { agency: 'POLICE-KENT', roles: ['OFFICER'], sub: 'missing.officer' },
  IMMIGRATION: { agency: 'HO', roles: ['CASEWORKER'], sub: 'ho.caseworker' },
  NCA: { agency: 'NCA', roles: ['ANALYST'], sub: 'nca.analyst' },
  HEALTH: { agency: 'NHS-RVV', roles: ['CASEWORKER'], sub: 'health.visitor' },
  EDUCATION: { agency: 'LA-886', roles: ['CASEWORKER'], sub: 'virtual.school' },
};

export function SignIn({ dialog }: { dialog?: boolean }) {
  const [options, setOptions] = useState<SignInOptions>();
  const [error, setError] = useState<string>();
  const [kind, setKind] = useState('CHILDRENS_SERVICES');
  const [agency, setAgency] = useState(DEMO_USERS.CHILDRENS_SERVICES!.agency);
  const [role, setRole] = useState(DEMO_USERS.CHILDRENS_SERVICES!.roles[0]!);
  const [sub, setSub] = useState(DEMO_USERS.CHILDRENS_SERVICES!.sub);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    fetchSignInOptions().then(setOptions, () => setError('harbour could not be reached. Try again shortly.'));
    heading.current?.focus();
  }, []);

  const chooseKind = (k: string) => {
    setKind(k);
    const demo = DEMO_USERS[k];
    if (demo) {
      setAgency(demo.agency);
      setSub(demo.sub);
      setRole(demo.roles[0]!);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const issued = await devSignIn({ sub, agency, agencyKind: kind, roles: [role] });
      await adopt(issued.token, issued.expiresAt);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  // Signing in again: in a popup, so this page and what was typed on it stay as they are.
  const popup = async (p: Provider) => {
    setError(undefined);
    try {
      const issued = await oidcSignInPopup(p);
      await adopt(issued.token, issued.expiresAt, issued.endSession);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const provider = (p: Provider) => (
    <li key={p.id}>
      <button type="button" class="button" onClick={() => (dialog ? popup(p) : void beginOidcSignIn(p))}>Sign in with {p.label}</button>
    </li>
  );

  const dev = options?.development;
  return (
    <div class={dialog ? 'dialog-backdrop' : 'signin-page'}>
      <div class="signin card" role={dialog ? 'dialog' : undefined} aria-modal={dialog ? 'true' : undefined} aria-labelledby="signin-title">
        <h1 id="signin-title" tabIndex={-1} ref={heading}>{dialog ? 'Your session has ended: sign in again' : 'Sign in to harbour'}</h1>
        {dialog ? <p>What you were doing is kept: sign in and carry on.</p> : <p>harbour shows one child across children's services, police and the Home Office, as far as your agency may see.</p>}
        {error ? <p class="error" role="alert">{error}</p> : null}
        {options?.providers.length ? <ul class="providers">{options.providers.map(provider)}</ul> : null}
        {dev ? (
          <form onSubmit={submit} class="devform" aria-labelledby="dev-title">
            <h2 id="dev-title">Development sign-in</h2>
            <p class="hint">A token from the development issuer. There is no such form in production.</p>
            <label for="kind">Agency kind</label>
            <select id="kind" value={kind} onChange={(e) => chooseKind((e.target as HTMLSelectElement).value)}>
              {dev.kinds.map((k) => <option key={k} value={k}>{words(k)}</option>)}
            </select>
            <label for="agency">Agency code</label>
            <input id="agency" list="agencies" value={agency} onInput={(e) => setAgency((e.target as HTMLInputElement).value)} autoComplete="off" />
            <datalist id="agencies">{dev.agencies.map((a) => <option key={a} value={a} />)}</datalist>
            <label for="role">Role</label>
            <select id="role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
              {dev.roles.map((r) => <option key={r} value={r}>{words(r)}</option>)}
            </select>
            <label for="sub">User</label>
            <input id="sub" value={sub} onInput={(e) => setSub((e.target as HTMLInputElement).value)} autoComplete="off" />
            <button type="submit" class="button primary" disabled={busy}>Sign in</button>
          </form>
        ) : null}
      </div>
    </div>
  );
}
