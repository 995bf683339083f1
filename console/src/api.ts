/**
 * The console's one way to the hub: POST /graphql on the same origin with the in-memory token.
 * The console never decides access: it shows what the API released, and says what it withheld
 * (`extensions.withheld`) in the API's own words.
 */
import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { session } from './session';

export interface Withheld {
  path: (string | number)[];
  category: string;
  releasableWith: string[];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Result<R> {
  data: R;
  withheld: Withheld[];
}

interface Wire<R> {
  data?: R | null;
  errors?: { message: string; extensions?: { code?: string; argumentName?: string; field?: string } }[];
  extensions?: { withheld?: Withheld[] };
}

/** Run an operation. An expired or missing token waits for sign-in, then runs it once more. */
export async function request<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<Result<R>> {
  const query = print(document);
  for (let attempt = 0; ; attempt++) {
    const token = await session.currentToken();
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    let body: Wire<R>;
    try {
      body = (await response.json()) as Wire<R>;
    } catch {
      throw new ApiError(`harbour answered HTTP ${response.status}. Try again shortly.`, 'UNAVAILABLE');
    }
    const first = body.errors?.[0];
    if (first?.extensions?.code === 'UNAUTHENTICATED' && attempt === 0) {
      session.expired();
      continue;
    }
    if (first && !body.data) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR', first.extensions?.argumentName ?? first.extensions?.field);
    if (first) throw new ApiError(first.message, first.extensions?.code ?? 'ERROR');
    return { data: body.data as R, withheld: body.extensions?.withheld ?? [] };
  }
}

/** True when the API withheld something at or under `path`. */
export function isWithheld(withheld: Withheld[], path: (string | number)[]): Withheld | undefined {
  return withheld.find((w) => path.every((p, i) => w.path[i] === p));
}
