// storefront: the coffee bar's front door; places an order by calling menu, inventory, orders, payments, kitchen.
import { holeSettings } from '../config.ts';
import { AttemptTimeout, withRetries } from '../holes/retryingCall.ts';
import { activeSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { createInventoryClient } from '../inventory/client.ts';
import { createKitchenClient } from '../kitchen/client.ts';
import { createMenuClient } from '../menu/client.ts';
import { createOrdersClient } from '../orders/client.ts';
import { createPaymentsClient } from '../payments/client.ts';
import { drinks, normalOrderSize, slowOrderSize, type Drink } from '../catalog.ts';
import { storefrontApi, type OrderResponse } from './api.ts';

await runService(storefrontApi.service, (app, kit) => {
  const menu = createMenuClient(kit.callPeer);
  const inventory = createInventoryClient(kit.callPeer);
  const orders = createOrdersClient(kit.callPeer);
  const payments = createPaymentsClient(kit.callPeer);
  const kitchen = createKitchenClient(kit.callPeer);

  const pickDrinks = (kind: 'normal' | 'slow'): Drink[] => {
    if (kind === 'normal') {
      // Distinct drinks drawn from the menu: an order can never hold more than the menu has.
      const pool: Drink[] = [...drinks];
      const picked: Drink[] = [];
      while (picked.length < normalOrderSize && pool.length > 0)
        picked.push(...pool.splice(Math.floor(kit.jitter.random() * pool.length), 1));
      return picked;
    }
    // A team order repeats drinks: exactly what a missing cache pays for again and again.
    return Array.from({ length: slowOrderSize }, (_, i) => (i % 2 === 0 ? drinks[0] : drinks[3]));
  };

  app.post(storefrontApi.order.route, async (req, res) => {
    const kind = (req.body as { kind?: unknown } | undefined)?.kind === 'slow' ? 'slow' : 'normal';
    const span = activeSpan();
    span?.setTag('order.kind', kind);
    const order = pickDrinks(kind);
    logOnSpan(span, { event: 'order', message: `ordering ${order.join(', ')}` });

    // Both settle before going on, so a failure in one never leaves the other's span running past the order.
    const [priced, open] = await Promise.allSettled([menu.prices({ drinks: order }), inventory.availability()]);
    if (priced.status === 'rejected') throw priced.reason;
    if (open.status === 'rejected') throw open.reason;
    const placed = await orders.place({ drinks: order });

    // Payments is the flaky dependency: each try gets a deadline, a timed-out try is retried under the same key.
    let attempts = 0;
    await withRetries(
      holeSettings.paymentRetries,
      (n, signal) => {
        attempts = n;
        const deadline = { signal, timeoutMs: holeSettings.paymentRetries.timeoutMs };
        return payments.charge(
          { orderId: placed.orderId, amount: priced.value.total, kind, attempt: n },
          `order:${placed.orderId}`,
          deadline,
        );
      },
      (n, error) =>
        logOnSpan(span, {
          event: 'retry',
          message: `payments attempt ${n} failed (${error instanceof Error ? error.message : String(error)}); retrying`,
        }),
    ).catch((e: unknown) => {
      // Name the service in the words that reach the slide, not just "timed out after 250 ms".
      const why = e instanceof AttemptTimeout ? `did not answer within ${e.timeoutMs} ms` : undefined;
      throw why ? new Error(`payments ${why}, ${attempts} attempts`) : e;
    });
    span?.setTag('payments.attempts', attempts);

    await kitchen.brew({ orderId: placed.orderId, drinks: order });
    const answer: OrderResponse = { orderId: placed.orderId, drinks: order, total: priced.value.total, paymentAttempts: attempts };
    res.json(answer);
  });
});
