export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __harbourPg?: { stop(): Promise<void> } }).__harbourPg?.stop();
}
