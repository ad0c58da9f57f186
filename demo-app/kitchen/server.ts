// kitchen: brews an order's drinks with a pool of baristas, fetching each recipe from menu; traced with OpenTelemetry, between jaeger-client services.
import { Tags } from 'opentracing';
import { holeSettings } from '../config.ts';
import { createWorkerPool } from '../holes/workerPool.ts';
import { activeSpan, inSpan, logOnSpan } from '../instrumentation/activeSpan.ts';
import { sleep } from '../instrumentation/seededJitter.ts';
import { runService } from '../instrumentation/serviceMain.ts';
import { createMenuClient } from '../menu/client.ts';
import { isDrink } from '../catalog.ts';
import { kitchenApi, type BrewResponse } from './api.ts';

await runService(
  kitchenApi.service,
  (app, kit) => {
    const { open, plugged } = holeSettings.baristas;
    const baristas = createWorkerPool(open);
    // The hole: one barista brews every drink in turn. Plugged: enough baristas to brew a team order at once.
    kit.onHoles((h) => baristas.resize(h['worker-pool'] ? plugged : open));
    const menu = createMenuClient(kit.callPeer);

    app.post(kitchenApi.brew.route, async (req, res) => {
      const list = (req.body as { drinks?: unknown } | undefined)?.drinks;
      if (!Array.isArray(list) || !list.every(isDrink)) {
        res.status(400).json({ error: 'drinks must be a list of menu items' });
        return;
      }
      const order = activeSpan();
      order?.setTag('baristas', baristas.size);
      // Every brew settles before the answer, even when one fails, so no brew span outlives the order's.
      const brews = await Promise.allSettled(
        list.map((drink, i) =>
          baristas.run(
            () =>
              inSpan(`brew ${drink}`, { [Tags.COMPONENT]: 'barista', 'drink.index': i }, async () => {
                const recipe = await menu.recipe(drink);
                await sleep(kit.jitter.ms(10 + 8 * recipe.steps));
              }),
            (ahead) => logOnSpan(order, { event: 'queued', message: `${drink} waits for a barista (${ahead} ahead)` }),
          ),
        ),
      );
      const failed = brews.find((b) => b.status === 'rejected');
      if (failed) throw failed.reason;
      const answer: BrewResponse = { brewed: list.length };
      res.json(answer);
    });
  },
  { tracing: kitchenApi.tracing },
);
