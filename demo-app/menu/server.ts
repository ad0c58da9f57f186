// menu: prices and recipes, read from the menu database; with the cache hole plugged, through a cache first.
import { holeSettings } from '../config.ts';
import { createConnectionPool } from '../holes/connectionPool.ts';
import { createReadThroughCache } from '../holes/cache.ts';
import { createDatabase, tracedCache } from '../instrumentation/backingStores.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { isDrink, prices, type Drink } from '../catalog.ts';
import { menuApi, type MenuItem, type PricesResponse } from './api.ts';

await runService(menuApi.service, (app, kit) => {
  const db = createDatabase({ peer: 'menu-db', instance: 'menu', pool: createConnectionPool(8), jitter: kit.jitter });
  const cache = createReadThroughCache<MenuItem>(holeSettings.menuCacheTtlMs);
  const cacheIo = tracedCache<MenuItem>({ peer: 'menu-cache', jitter: kit.jitter, peek: cache.peek, put: cache.put });
  // Plugging the hole starts from a cold cache so the first trace after it shows misses, then hits.
  kit.onHoles((h) => {
    if (!h['missing-cache']) cache.clear();
  });

  const loadItem = (drink: Drink) =>
    db.query(
      `SELECT i.price, r.steps FROM menu_items i JOIN recipes r USING (item_id) JOIN suppliers s USING (supplier_id) WHERE i.name = '${drink}'`,
      holeSettings.menuSelectMs,
      () => ({ drink, price: prices[drink], steps: 3 + (drink.length % 3) }),
    );
  const lookup = (drink: Drink): Promise<MenuItem> =>
    kit.holes()['missing-cache'] ? cache.getOrLoad(`menu:${drink}`, () => loadItem(drink), cacheIo) : loadItem(drink);

  app.post(menuApi.prices.route, async (req, res) => {
    const list = (req.body as { drinks?: unknown } | undefined)?.drinks;
    if (!Array.isArray(list) || !list.every(isDrink)) {
      res.status(400).json({ error: 'drinks must be a list of menu items' });
      return;
    }
    let total = 0;
    for (const drink of list) total += (await lookup(drink)).price;
    const answer: PricesResponse = { total: Math.round(total * 100) / 100 };
    res.json(answer);
  });

  app.get(menuApi.recipe.route, async (req, res) => {
    const drink = req.params.drink;
    if (!isDrink(drink)) {
      res.status(404).json({ error: `no drink called ${drink}` });
      return;
    }
    res.json(await lookup(drink));
  });
});
