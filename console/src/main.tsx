/**
 * harbour's console: a client of the public GraphQL API on the same origin, and nothing else.
 * Routes live in the fragment (`#/child/<id>`): nothing identifying goes to the server in a URL.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from './session';
import { SignIn } from './screens/SignIn';
import { Today } from './screens/Today';
import { Search } from './screens/Search';
import { Child } from './screens/Child';
import { Review } from './screens/Review';
import { Dpo } from './screens/Dpo';
import { Pack } from './screens/Pack';
import { completeSignIn } from './signin-return';
import { completeOidcSignIn, inSignInPopup } from './auth';
import { words } from './format';

export function navigate(to: string): void {
  location.hash = to;
}

function useRoute(): string[] {
  const parse = () => (location.hash.replace(/^#\/?/, '') || 'today').split('/');
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function useSession() {
  const [, force] = useState(0);
  useEffect(() => session.subscribe(() => force((n) => n + 1)), []);
  return session;
}

const NAV: { path: string; label: string; roles?: string[]; not?: string[] }[] = [
  { path: 'today', label: 'Today', not: ['DPO'] },
  { path: 'search', label: 'Search', not: ['DPO'] },
  { path: 'review', label: 'Review matches', not: ['DPO'] },
  { path: 'dpo', label: 'Data protection', roles: ['DPO'] },
];

function Screen({ route }: { route: string[] }) {
  const [name, id] = route;
  switch (name) {
    case 'search': return <Search />;
    case 'child': return <Child id={id ?? ''} key={id} />;
    case 'review': return <Review />;
    case 'dpo': return <Dpo />;
    case 'pack': return <Pack id={id ?? ''} key={id} />;
    default: return session.user?.roles.includes('DPO') ? <Dpo /> : <Today />;
  }
}

function App() {
  const s = useSession();
  const route = useRoute();
  const user = s.user;
  const main = useRef<HTMLElement>(null);
  const [who, setWho] = useState<string>();
  // A different user signing in after expiry starts afresh: nothing of the last user's screen stays.
  const identity = user ? `${user.sub} ${user.agency} ${user.roles.join(',')}` : undefined;
  useEffect(() => {
    if (identity && who && identity !== who) navigate('today');
    if (identity) setWho(identity);
  }, [identity]);
  useEffect(() => main.current?.focus(), [route.join('/')]);

  if (!user) return <SignIn />;
  const nav = NAV.filter((n) => (!n.roles || n.roles.some((r) => user.roles.includes(r))) && !(n.not ?? []).some((r) => user.roles.includes(r)));
  return (
    <>
      <a href="#main" class="skip" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to main content</a>
      <header class="masthead">
        <span class="brand">harbour</span>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.path}><a href={`#/${n.path}`} aria-current={route[0] === n.path ? 'page' : undefined}>{n.label}</a></li>
            ))}
          </ul>
        </nav>
        <span class="who">{user.sub} · {user.agency} · {user.roles.map(words).join(', ')}</span>
        <button type="button" class="link" onClick={() => { navigate('today'); s.signOut(); }}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1} ref={main} key={identity}>
        <Screen route={route} />
      </main>
      {s.needsSignIn ? <SignIn dialog /> : null}
    </>
  );
}

// In the sign-in popup, back from the provider: hand the answer to the page that opened it, and close.
if (inSignInPopup()) void completeOidcSignIn();
else void completeSignIn().finally(() => {
  const root = document.getElementById('app')!;
  root.textContent = '';
  render(<App />, root);
});
