/**
 * The signed-in user, in memory only: never localStorage, a cookie or a URL. When the token is
 * missing or expires, requests wait while the app shows the sign-in dialog over the screen (so
 * nothing typed is lost), then carry on with the new token.
 */
export interface Principal {
  sub: string;
  agency: string;
  agencyKind: string;
  roles: string[];
}

export interface Signed {
  token: string;
  expiresAt: number;
  principal: Principal;
  /** How to sign out at the provider (OpenID Connect), if anywhere. */
  endSession?: () => void;
}

type Listener = () => void;

class Session {
  private current: Signed | undefined;
  private waiting: ((token: string) => void)[] = [];
  private listeners = new Set<Listener>();
  /** Set once a token expired or was refused; the app shows the sign-in dialog. */
  needsSignIn = true;

  get user(): Principal | undefined {
    return this.current?.principal;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  signedIn(signed: Signed): void {
    this.current = signed;
    this.needsSignIn = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(signed.token);
    this.changed();
  }

  /** The token, or a promise of one once the user has signed in again. */
  currentToken(): Promise<string> {
    const c = this.current;
    if (c && !this.needsSignIn && c.expiresAt - 5_000 > Date.now()) return Promise.resolve(c.token);
    if (c && !this.needsSignIn) this.expired();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  expired(): void {
    if (this.needsSignIn) return;
    this.needsSignIn = true;
    this.changed();
  }

  signOut(): void {
    const end = this.current?.endSession;
    this.current = undefined;
    this.needsSignIn = true;
    this.waiting = [];
    this.changed();
    end?.();
  }
}

export const session = new Session();

/** The roles of the people who act on a child's case (the hub's PRACTITIONER_ROLES): decide, convene, break glass. */
const PRACTITIONER = ['CASEWORKER', 'OFFICER', 'MASH_COORDINATOR'];
export const isPractitioner = (): boolean => (session.user?.roles ?? []).some((r) => PRACTITIONER.includes(r));
