// orders: records an order in a transaction that holds a pooled connection while stock is reserved.
import { randomUUID } from 'node:crypto';
import { createConnectionPool } from '../holes/connectionPool.ts';
import { createDatabase } from '../instrumentation/backingStores.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { isDrink, type Drink } from '../catalog.ts';

await runService('orders', (app, kit) => {
  const pool = createConnectionPool(1);
  // The hole: one connection for every order. Plugged: a pool big enough for the bar's rush.
  kit.onHoles((h) => pool.resize(h['lock-contention'] ? 16 : 1));
  const db = createDatabase({ peer: 'orders-db', instance: 'orders', pool, jitter: kit.jitter });

  const reserve = async (items: Drink[]) => {
    if (kit.holes()['n-plus-one']) {
      await kit.callPeer('inventory', { method: 'POST', route: '/stock/reserve', path: '/stock/reserve', body: { items } });
      return;
    }
    // The hole: one round trip per item, each waiting for the one before.
    for (const item of items) {
      await kit.callPeer('inventory', { method: 'POST', route: '/stock/:item/reserve', path: `/stock/${item}/reserve` });
    }
  };

  app.post('/orders', async (req, res) => {
    const items = (req.body as { drinks?: unknown } | undefined)?.drinks;
    if (!Array.isArray(items) || items.length === 0 || !items.every(isDrink)) {
      res.status(400).json({ error: 'drinks must be a non-empty list of menu items' });
      return;
    }
    const orderId = randomUUID();
    await db.transaction('place order', async (query) => {
      await query(`INSERT INTO orders (id, placed_at) VALUES ('${orderId}', now())`, 7, () => undefined);
      await reserve(items);
      await query(`INSERT INTO order_lines (order_id, item) SELECT '${orderId}', unnest($1) -- ${items.length} rows`, 6, () => undefined);
    });
    res.status(201).json({ orderId });
  });
});
