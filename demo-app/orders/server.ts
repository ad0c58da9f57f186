// orders: records an order in a transaction that holds a pooled connection while stock is reserved.
import { randomUUID } from 'node:crypto';
import { holeSettings } from '../config.ts';
import { createConnectionPool } from '../holes/connectionPool.ts';
import { createDatabase } from '../instrumentation/backingStores.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { createInventoryClient } from '../inventory/client.ts';
import { isDrink, type Drink } from '../catalog.ts';
import { ordersApi, type PlaceOrderResponse } from './api.ts';

await runService(ordersApi.service, (app, kit) => {
  const { open, plugged } = holeSettings.ordersPool;
  const pool = createConnectionPool(open);
  // The hole: one connection for every order. Plugged: a pool big enough for the bar's rush.
  kit.onHoles((h) => pool.resize(h['lock-contention'] ? plugged : open));
  const db = createDatabase({ peer: 'orders-db', instance: 'orders', pool, jitter: kit.jitter });
  const inventory = createInventoryClient(kit.callPeer);

  const reserve = async (items: Drink[]) => {
    if (kit.holes()['n-plus-one']) {
      await inventory.reserveAll({ items });
      return;
    }
    // The hole: one round trip per item, each waiting for the one before.
    for (const item of items) await inventory.reserveOne(item);
  };

  app.post(ordersApi.place.route, async (req, res) => {
    const items = (req.body as { drinks?: unknown } | undefined)?.drinks;
    if (!Array.isArray(items) || items.length === 0 || !items.every(isDrink)) {
      res.status(400).json({ error: 'drinks must be a non-empty list of menu items' });
      return;
    }
    const orderId = randomUUID();
    await db.transaction('place order', async (query) => {
      await query(`INSERT INTO orders (id, placed_at) VALUES ('${orderId}', now())`, holeSettings.orderInsertMs.order, () => undefined);
      await reserve(items);
      await query(
        `INSERT INTO order_lines (order_id, item) SELECT '${orderId}', unnest($1) -- ${items.length} rows`,
        holeSettings.orderInsertMs.lines,
        () => undefined,
      );
    });
    const answer: PlaceOrderResponse = { orderId };
    res.status(201).json(answer);
  });
});
