/**
 * GraphiQL for agency developers, bundled with the hub (no CDN) and served at GET /graphql to a
 * browser outside production only. The bearer token pasted in the header field lives in this
 * page's memory and nowhere else: GraphiQL is given an in-memory storage (its default is
 * localStorage, where it would keep tabs, history and — with shouldPersistHeaders — headers), so
 * closing the tab forgets the token and everything typed.
 */
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import './page.css';

type Fetcher = GraphiQLProps['fetcher'];
type Storage = NonNullable<GraphiQLProps['storage']>;

/** GraphiQL's storage interface over a Map: nothing reaches localStorage or sessionStorage. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    get length() {
      return items.size;
    },
  };
}

const DEFAULT_QUERY = `# harbour's API, in development. Paste a bearer token above, then run:
{
  me {
    sub
    agency
    roles
  }
}
`;

/**
 * POST to /graphql on this origin as JSON (a preflighted request, so the hub's CSRF prevention is
 * satisfied), with `authorization: Bearer <token>` from the field. Headers typed in GraphiQL's own
 * editor go too; the field's token wins over an authorization header typed there.
 */
function hubFetcher(token: () => string): Fetcher {
  return async (params, opts) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts?.headers ?? {})) headers[name.toLowerCase()] = String(value);
    const bearer = token().trim().replace(/^bearer\s+/i, '');
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (!headers.authorization) return { errors: [{ message: 'Paste a bearer token in the field above (the hub answers nothing without one).' }] };
    headers['content-type'] = 'application/json';
    headers.accept = 'application/graphql-response+json, application/json';
    const response = await fetch('/graphql', { method: 'POST', headers, body: JSON.stringify(params), credentials: 'same-origin', cache: 'no-store' });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
    }
  };
}

function Ide() {
  const [token, setToken] = useState('');
  const current = useRef(token);
  current.current = token;
  // GraphiQL introspects again whenever its fetcher changes: a new fetcher once the token has
  // settled (a paste, not every keystroke), so the schema (docs, completion) follows the token.
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(token), 300);
    return () => clearTimeout(timer);
  }, [token]);
  // `settled` is the trigger: the fetcher itself reads the token as it is when it runs.
  const fetcher = useMemo(() => hubFetcher(() => current.current), [settled]);
  const storage = useMemo(memoryStorage, []);
  return (
    <div className="harbour-ide">
      <header className="harbour-ide-bar">
        <span className="harbour-ide-name">harbour · GraphiQL <small>(development only)</small></span>
        <label htmlFor="token">Bearer token</label>
        <input
          id="token"
          // Text, not password: a password manager would offer to keep the token.
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="Paste a token: kept in this tab's memory only"
          value={token}
          onChange={(e) => setToken(e.currentTarget.value)}
        />
        <button type="button" onClick={() => setToken('')} disabled={!token}>
          Forget
        </button>
        <a href="/">Console</a>
      </header>
      <main className="harbour-ide-main">
        <GraphiQL fetcher={fetcher} storage={storage} shouldPersistHeaders={false} showPersistHeadersSettings={false} defaultQuery={DEFAULT_QUERY} defaultEditorToolsVisibility={false} />
      </main>
    </div>
  );
}

createRoot(document.getElementById('ide')!).render(<Ide />);
