// kitchen: brews an order's drinks with a pool of baristas, fetching each recipe from menu.
import { Tags } from 'opentracing';
import { createWorkerPool } from '../holes/workerPool.ts';
import { activeSpan, inSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { sleep } from '../instrumentation/seededJitter.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { isDrink } from '../catalog.ts';

await runService('kitchen', (app, kit) => {
  const baristas = createWorkerPool(1);
  // The hole: one barista brews every drink in turn. Plugged: enough baristas to brew a team order at once.
  kit.onHoles((h) => baristas.resize(h['worker-pool'] ? 8 : 1));

  app.post('/brew', async (req, res) => {
    const list = (req.body as { drinks?: unknown } | undefined)?.drinks;
    if (!Array.isArray(list) || !list.every(isDrink)) {
      res.status(400).json({ error: 'drinks must be a list of menu items' });
      return;
    }
    const order = activeSpan();
    order?.setTag('baristas', baristas.size);
    await Promise.all(
      list.map((drink, i) =>
        baristas.run(
          () =>
            inSpan(`brew ${drink}`, { [Tags.COMPONENT]: 'barista', 'drink.index': i }, async () => {
              const recipe = await kit.callPeer<{ steps: number }>('menu', { route: '/recipe/:drink', path: `/recipe/${drink}` });
              await sleep(kit.jitter.ms(10 + 8 * recipe.steps));
            }),
          (ahead) => logOnSpan(order, { event: 'queued', message: `${drink} waits for a barista (${ahead} ahead)` }),
        ),
      ),
    );
    res.json({ brewed: list.length });
  });
});
