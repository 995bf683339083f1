import { completeOidcSignIn } from './auth';
import { adopt } from './screens/SignIn';

/** On return from the provider (`?code=…&state=…`): exchange the code, then start. */
export async function completeSignIn(): Promise<void> {
  try {
    const issued = await completeOidcSignIn();
    if (issued) await adopt(issued.token, issued.expiresAt, issued.endSession);
  } catch {
    // The sign-in page says what to do: start again.
  }
}
