// payments: charges an order; while its hole is open the card network stalls on some attempts.
import { createConnectionPool } from '../holes/connectionPool.ts';
import { activeSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { createDatabase } from '../instrumentation/backingStores.ts';
import { sleep } from '../instrumentation/seededJitter.ts';
import { runService } from '../instrumentation/serviceMain.ts';

/** Longer than any caller's deadline: a stalled attempt always ends in the caller's timeout. */
const stallMs = 1_000;

await runService('payments', (app, kit) => {
  const db = createDatabase({ peer: 'payments-db', instance: 'payments', pool: createConnectionPool(8), jitter: kit.jitter });

  app.post('/charge', async (req, res) => {
    const body = (req.body ?? {}) as { orderId?: unknown; amount?: unknown; kind?: unknown; attempt?: unknown };
    if (typeof body.orderId !== 'string' || typeof body.amount !== 'number') {
      res.status(400).json({ error: 'orderId (string) and amount (number) are required' });
      return;
    }
    const attempt = typeof body.attempt === 'number' ? body.attempt : 1;
    // Slow orders stall on their first two tries for sure; normal ones sometimes on the first.
    const stalls = !kit.holes()['flaky-dependency'] && (body.kind === 'slow' ? attempt <= 2 : attempt === 1 && kit.jitter.chance(0.35));
    if (stalls) {
      logOnSpan(activeSpan(), { event: 'stall', message: `card network not answering (attempt ${attempt})` });
      const gone = new AbortController();
      res.once('close', () => gone.abort(new Error('caller gave up')));
      await sleep(stallMs, gone.signal).catch(() => undefined);
      if (res.writableEnded || res.destroyed) return;
    }
    await db.query(`INSERT INTO charges (order_id, amount) VALUES ('${body.orderId}', ${body.amount})`, 8, () => undefined);
    res.json({ charged: body.amount, attempt });
  });
});
