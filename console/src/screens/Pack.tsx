/**
 * The strategy pack, opened in the same session: the hub's own pack (GET /strategy-pack/:id with
 * the bearer token, so the same rules and audit apply) shown in a sandboxed frame and printed
 * from the browser.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { session } from '../session';
import { Status } from '../ui';
import { ApiError } from '../api';

export function Pack({ id }: { id: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [html, setHtml] = useState<string>();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    let live = true;
    void (async () => {
      const token = await session.currentToken();
      const response = await fetch(`/strategy-pack/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', referrerPolicy: 'no-referrer' });
      if (!live) return;
      if (response.status === 401) return session.expired();
      if (!response.ok) return setError(new ApiError(response.status === 404 ? 'No child with this id, or none your agency may see.' : 'The pack could not be made. Try again shortly.', 'ERROR'));
      setHtml(await response.text());
    })();
    return () => {
      live = false;
    };
  }, [id]);
  return (
    <>
      <h1 class="no-print">Strategy pack</h1>
      <p class="no-print">
        <a href={`#/child/${id}`}>Back to the child</a>{' '}
        <button type="button" class="button" disabled={!html} onClick={() => frame.current?.contentWindow?.print()}>Print</button>
      </p>
      <Status loading={!html && !error} error={error} />
      {html ? <iframe ref={frame} class="pack-frame" title="Strategy pack" sandbox="allow-same-origin allow-modals" srcdoc={html} /> : null}
    </>
  );
}
