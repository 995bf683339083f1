/**
 * Delivery of match alerts to subscribed agency systems, from the outbox the ingest batch filled
 * in its own transaction. Each delivery is a POST of the alert's ids and grade — never a name, a
 * date of birth or an identifier: the receiving system asks harbour for the rest with its own
 * token, under the same access rules as any read — signed with HMAC-SHA256 over
 * `<timestamp>.<body>` with the subscription's secret.
 *
 * At least once: a delivery is claimed under a row lock (`for update skip locked`), so several
 * processes share the outbox; a process that dies mid-delivery releases its claim and the
 * delivery is retried. A refused or failed delivery is retried with exponential backoff (1 s,
 * 2 s, 4 s … at most an hour apart). Receivers deduplicate by `x-harbour-delivery`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db';
import type { Logger } from '../log';

export const SIGNATURE_HEADER = 'x-harbour-signature';
export const TIMESTAMP_HEADER = 'x-harbour-timestamp';
export const DELIVERY_HEADER = 'x-harbour-delivery';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface Subscription {
  id: string;
  agency: string;
  url: string;
  /** Shown once, when the subscription is made. */
  secret: string;
}

export async function addSubscription(db: Db, agency: string, url: string): Promise<Subscription> {
  if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`webhook: the url must be http(s)://…, received "${url}"`);
  const secret = randomBytes(32).toString('hex');
  const [row] = await db.query<{ id: string }>(`insert into identity.webhook_subscription (agency, url, secret) values ($1, $2, $3) returning id`, [agency, url, secret]);
  return { id: row!.id, agency, url, secret };
}

interface Due {
  outbox_id: string;
  attempts: number;
  url: string;
  secret: string;
  alert_id: string;
  raised_at: Date;
  grade: string;
  probability: number;
  missing_person_id: string;
  candidate_person_id: string;
  agencies: string[];
}

export interface DeliveryOptions {
  /** Deliveries claimed per round. @default 20 */
  batch?: number;
  /** Per request. @default 5000 */
  timeoutMs?: number;
}

/** Deliver what is due now; returns how many were delivered and how many failed (to be retried). */
export async function deliverDue(db: Db, log: Logger, options: DeliveryOptions = {}): Promise<{ delivered: number; failed: number }> {
  return db.transaction(async (tx) => {
    const due = await tx.query<Due>(
      `select o.id as outbox_id, o.attempts, s.url, s.secret, a.id as alert_id, a.raised_at, a.grade, a.probability, a.missing_person_id,
              (select person_id from identity.source_identity where id = a.candidate_identity_id) as candidate_person_id, a.agencies
         from identity.alert_outbox o
         join identity.webhook_subscription s on s.id = o.subscription_id
         join identity.match_alert a on a.id = o.alert_id
        where o.delivered_at is null and o.next_attempt_at <= clock_timestamp() and s.active
        order by o.next_attempt_at limit $1
        for update of o skip locked`,
      [options.batch ?? 20],
    );
    // The claimed deliveries are sent together: the claim (this transaction) lasts one request
    // timeout at most, however many receivers are slow.
    const errors = await Promise.all(due.map((d) => post(d, options.timeoutMs ?? 5000)));
    let delivered = 0;
    let failed = 0;
    for (const [i, d] of due.entries()) {
      const error = errors[i]!;
      if (error === null) {
        delivered++;
        await tx.query(`update identity.alert_outbox set delivered_at = clock_timestamp(), attempts = attempts + 1, last_error = null where id = $1`, [d.outbox_id]);
      } else {
        failed++;
        await tx.query(
          `update identity.alert_outbox set attempts = attempts + 1, last_error = $2,
                  next_attempt_at = clock_timestamp() + least(power(2, attempts), 3600) * interval '1 second' where id = $1`,
          [d.outbox_id, error],
        );
        log.warn({ outboxId: d.outbox_id, alertId: d.alert_id, attempts: d.attempts + 1, error }, 'match alert delivery failed; will retry');
      }
    }
    return { delivered, failed };
  });
}

/** POST one delivery, signed; null when the receiver accepted it, else why not. */
async function post(d: Due, timeoutMs: number): Promise<string | null> {
  const body = JSON.stringify({
    type: 'match_alert',
    alertId: d.alert_id,
    raisedAt: d.raised_at.toISOString(),
    grade: d.grade,
    probability: d.probability,
    missingPersonId: d.missing_person_id,
    candidatePersonId: d.candidate_person_id,
    agencies: d.agencies,
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  try {
    const response = await fetch(d.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature(d.secret, timestamp, body), [TIMESTAMP_HEADER]: timestamp, [DELIVERY_HEADER]: d.outbox_id },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok ? null : `HTTP ${response.status}`;
  } catch (e) {
    return (e as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable';
  }
}

/** Poll the outbox every `intervalMs` until stopped. */
export function startAlertDelivery(db: Db, log: Logger, intervalMs = 500, options: DeliveryOptions = {}): { stop(): Promise<void> } {
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    current = deliverDue(db, log, options)
      .catch((e: unknown) => log.error({ errorName: (e as Error).name }, 'match alert delivery round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
