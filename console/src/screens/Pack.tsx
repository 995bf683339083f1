/**
 * The strategy pack, opened in the same session: the hub's own pack (GET /strategy-pack/:id with
 * the bearer token, so the same rules decide and the same audit records) set into the page and
 * printed from the browser. The pack is the hub's escaped HTML, parsed inert; its one stylesheet
 * is allowed by the console's policy by its hash, and nothing in it can run.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { session } from '../session';
import { Status } from '../ui';

export function Pack({ id }: { id: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    let live = true;
    void (async () => {
      const token = await session.currentToken();
      const response = await fetch(`/strategy-pack/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', referrerPolicy: 'no-referrer' });
      if (!live) return;
      if (response.status === 401) return session.expired();
      if (!response.ok) return setError(new ApiError(response.status === 404 ? 'No child with this id, or none your agency may see.' : 'The pack could not be made. Try again shortly.', 'ERROR'));
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      const target = holder.current;
      if (!target) return;
      const style = doc.querySelector('style');
      target.replaceChildren(...(style ? [document.adoptNode(style)] : []), ...Array.from(doc.body.childNodes).map((n) => document.adoptNode(n)));
      // On this page the screen's own h1 and main come first: the pack's become an h2 and a div.
      const rename = (from: string, to: string, className: string) => {
        for (const old of Array.from(target.querySelectorAll(from))) {
          const replacement = document.createElement(to);
          replacement.className = className;
          replacement.replaceChildren(...Array.from(old.childNodes));
          old.replaceWith(replacement);
        }
      };
      rename('h1', 'h2', 'pack-title');
      rename('main', 'div', 'pack-body');
      setReady(true);
    })();
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <>
      <div class="no-print">
        <h1>Strategy pack</h1>
        <p>
          <a href={`#/child/${id}`}>Back to the child</a>{' '}
          <button type="button" class="button" disabled={!ready} onClick={() => print()}>Print</button>
        </p>
        <Status loading={!ready && !error} error={error} />
      </div>
      <div class="pack card" ref={holder} />
    </>
  );
}
