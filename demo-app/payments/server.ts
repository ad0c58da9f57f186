// payments: charges an order once per idempotency key; while its hole is open the card network stalls on a known pattern.
import { holeSettings } from '../config.ts';
import { createConnectionPool } from '../holes/connectionPool.ts';
import { activeSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { createDatabase } from '../instrumentation/backingStores.ts';
import { sleep } from '../instrumentation/seededJitter.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { idempotencyKeyHeader, paymentsApi, type ChargeResponse } from './api.ts';

/** Charges remembered per key; the oldest are forgotten past this many (a retry comes within a second). */
const rememberedCharges = 10_000;

await runService(paymentsApi.service, (app, kit) => {
  const db = createDatabase({ peer: 'payments-db', instance: 'payments', pool: createConnectionPool(8), jitter: kit.jitter });
  const stall = holeSettings.paymentStall;
  const charges = new Map<string, Promise<number>>();
  // Normal orders seen since the hole was last opened: every n-th one stalls on its first attempt.
  let normalOrders = 0;
  let wasPlugged = false;
  kit.onHoles((h) => {
    if (wasPlugged && !h['flaky-dependency']) normalOrders = 0;
    wasPlugged = h['flaky-dependency'];
  });

  /** The planned stall: attempts 1..n of every slow order, attempt 1 of every n-th normal order. Counted, not drawn. */
  const stalls = (kind: unknown, attempt: number): boolean => {
    if (kind === 'normal' && attempt === 1) normalOrders++;
    if (kit.holes()['flaky-dependency']) return false;
    if (kind === 'slow') return attempt <= stall.slowOrderAttempts;
    return attempt === 1 && normalOrders % stall.everyNthNormalOrder === 0;
  };

  app.post(paymentsApi.charge.route, async (req, res) => {
    const body = (req.body ?? {}) as { orderId?: unknown; amount?: unknown; kind?: unknown; attempt?: unknown };
    if (typeof body.orderId !== 'string' || typeof body.amount !== 'number') {
      res.status(400).json({ error: 'orderId (string) and amount (number) are required' });
      return;
    }
    const amount = body.amount;
    const attempt = typeof body.attempt === 'number' ? body.attempt : 1;
    const key = req.get(idempotencyKeyHeader) ?? `order:${body.orderId}`;
    const span = activeSpan();
    span?.setTag('idempotency.key', key);
    if (stalls(body.kind, attempt)) {
      logOnSpan(span, { event: 'stall', message: `card network not answering (attempt ${attempt})` });
      const gone = new AbortController();
      res.once('close', () => gone.abort(new Error('caller gave up')));
      await sleep(stall.ms, gone.signal).catch(() => undefined);
      if (gone.signal.aborted) {
        res.end(); // nobody is listening; ending says this attempt's work is over, so its span closes now
        return;
      }
    }
    // An attempt that timed out at the caller may still be charging: a retry joins it instead of charging again.
    let charge = charges.get(key);
    const replayed = charge !== undefined;
    if (charge) {
      logOnSpan(span, { event: 'idempotent', message: `already charged under ${key}: answering that charge, not charging again` });
    } else {
      charge = db.query(
        `INSERT INTO charges (idempotency_key, order_id, amount) VALUES ('${key}', '${body.orderId}', ${amount})`,
        holeSettings.chargeInsertMs,
        () => amount,
      );
      charges.set(key, charge);
      if (charges.size > rememberedCharges) charges.delete(charges.keys().next().value!);
      charge.catch(() => charges.delete(key));
    }
    span?.setTag('charge.replayed', replayed);
    const answer: ChargeResponse = { charged: await charge, attempt, replayed };
    res.json(answer);
  });
});
