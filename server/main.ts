// `npm start`: one command that builds the deck if needed, starts everything and prints where to go.
import QRCode from 'qrcode';
import { loadConfig } from './config.ts';
import { startDeckServer } from './deckServer.ts';
import { createLog } from './log.ts';
import { PortInUseError } from './portErrors.ts';

const log = createLog('deck');

async function main(): Promise<void> {
  const config = loadConfig();
  const server = await startDeckServer(config, { log, buildDeck: true });
  const joinUrl = server.audience.joinUrl();
  const qr = await QRCode.toString(joinUrl, { type: 'terminal', small: true });
  console.log(
    [
      '',
      `  Presenter:  ${server.url}/?token=${encodeURIComponent(config.presenterToken)}#/`,
      `  Attendees:  ${joinUrl}`,
      `  Viewer:     ${server.url}/viewer.html`,
      '',
      qr,
    ].join('\n'),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: stopping the mesh and the server…`);
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        log.error(String(e));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  if (err instanceof PortInUseError) log.error(err.message);
  else log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
