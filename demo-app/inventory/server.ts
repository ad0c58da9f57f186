// inventory: stock levels; reserves items one at a time (the N+1 path) or all at once (the batch path).
import { holeSettings } from '../config.ts';
import { createConnectionPool } from '../holes/connectionPool.ts';
import { createDatabase } from '../instrumentation/backingStores.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { isDrink } from '../catalog.ts';
import { inventoryApi, type AvailabilityResponse, type ReserveResponse } from './api.ts';

await runService(inventoryApi.service, (app, kit) => {
  const db = createDatabase({ peer: 'inventory-db', instance: 'inventory', pool: createConnectionPool(8), jitter: kit.jitter });

  app.get(inventoryApi.availability.route, async (_req, res) => {
    const answer: AvailabilityResponse = { open: await db.query('SELECT count(*) FROM stock WHERE qty > 0', 6, () => true) };
    res.json(answer);
  });

  app.post(inventoryApi.reserveOne.route, async (req, res) => {
    const item = req.params.item;
    if (!isDrink(item)) {
      res.status(404).json({ error: `no stock for ${item}` });
      return;
    }
    await db.query(`UPDATE stock SET qty = qty - 1 WHERE item = '${item}'`, holeSettings.reserveOneMs, () => undefined);
    const answer: ReserveResponse = { reserved: [item] };
    res.json(answer);
  });

  app.post(inventoryApi.reserveAll.route, async (req, res) => {
    const items = (req.body as { items?: unknown } | undefined)?.items;
    if (!Array.isArray(items) || !items.every(isDrink)) {
      res.status(400).json({ error: 'items must be a list of menu items' });
      return;
    }
    await db.query(
      `UPDATE stock SET qty = qty - 1 WHERE item = ANY($1) -- ${items.length} items`,
      holeSettings.reserveBatchMs,
      () => undefined,
    );
    const answer: ReserveResponse = { reserved: items };
    res.json(answer);
  });
});
