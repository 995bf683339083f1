// Placeholder until the oidc branch lands (its auth.ts replaces this file).
export interface Provider { id: string; label: string }
export interface SignInOptions { providers: Provider[]; development?: { agencies: string[]; kinds: string[]; roles: string[] } }
export async function fetchSignInOptions(): Promise<SignInOptions> {
  const r = await fetch('/console/sign-in-options');
  return (await r.json()) as SignInOptions;
}
export async function devSignIn(choice: { sub: string; agency: string; agencyKind: string; roles: string[] }): Promise<{ token: string; expiresAt: number }> {
  const r = await fetch('/console/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(choice) });
  const body = (await r.json()) as { token?: string; expiresAt?: number; errors?: { message: string }[] };
  if (!r.ok || !body.token) throw new Error(body.errors?.[0]?.message ?? 'Sign-in failed.');
  return { token: body.token, expiresAt: body.expiresAt! };
}
export function beginOidcSignIn(_p: Provider): void {}
export async function completeOidcSignIn(): Promise<{ token: string; expiresAt: number; endSession?: () => void } | null> { return null; }
