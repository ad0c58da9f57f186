// storefront: the coffee bar's front door; places an order by calling menu, inventory, orders, payments, kitchen.

import { activeSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { withRetries } from '../holes/retryingCall.ts';
import { drinks, normalOrderSize, slowOrderSize, type Drink } from '../catalog.ts';

await runService('storefront', (app, kit) => {
  const pickDrinks = (kind: 'normal' | 'slow'): Drink[] => {
    if (kind === 'normal') {
      const pool = [...drinks];
      return Array.from({ length: normalOrderSize }, () => pool.splice(Math.floor(kit.jitter.random() * pool.length), 1)[0]);
    }
    // A team order repeats drinks: exactly what a missing cache pays for again and again.
    const two = [drinks[0], drinks[3]];
    return Array.from({ length: slowOrderSize }, (_, i) => two[i % 2]);
  };

  app.post('/order', async (req, res) => {
    const kind = (req.body as { kind?: unknown } | undefined)?.kind === 'slow' ? 'slow' : 'normal';
    const span = activeSpan();
    span?.setTag('order.kind', kind);
    const order = pickDrinks(kind);
    logOnSpan(span, { event: 'order', message: `ordering ${order.join(', ')}` });

    const [priced] = await Promise.all([
      kit.callPeer<{ total: number }>('menu', { method: 'POST', route: '/prices', path: '/prices', body: { drinks: order } }),
      kit.callPeer<{ open: boolean }>('inventory', { route: '/availability', path: '/availability' }),
    ]);
    const placed = await kit.callPeer<{ orderId: string }>('orders', { method: 'POST', route: '/orders', path: '/orders', body: { drinks: order } });

    // Payments is the flaky dependency: each try gets a deadline, a timed-out try is retried.
    let attempts = 0;
    await withRetries(
      { attempts: 4, timeoutMs: 250, backoffMs: 15 },
      (n, signal) => {
        attempts = n;
        return kit.callPeer('payments', {
          method: 'POST',
          route: '/charge',
          path: '/charge',
          body: { orderId: placed.orderId, amount: priced.total, kind, attempt: n },
          signal,
        });
      },
      (n, error) =>
        logOnSpan(span, { event: 'retry', message: `payments attempt ${n} failed (${error instanceof Error ? error.message : String(error)}); retrying` }),
    );
    span?.setTag('payments.attempts', attempts);

    await kit.callPeer('kitchen', { method: 'POST', route: '/brew', path: '/brew', body: { orderId: placed.orderId, drinks: order } });
    res.json({ orderId: placed.orderId, drinks: order, total: priced.total, paymentAttempts: attempts });
  });
});
