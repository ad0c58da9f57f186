// `npm start`: one command that builds the deck if needed, starts everything and prints where to go.
import QRCode from 'qrcode';
import { loadConfig } from './config.ts';
import { startDeckServer } from './deckServer.ts';
import { createLog, flushLogSummaries } from '../pkg/index.ts';
import { PortInUseError } from '../pkg/index.ts';

const log = createLog('deck');

/** Errors that mean the machine ran short (file descriptors, buffers, memory for a socket), not that our state is broken. */
const EXHAUSTION = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'EAGAIN', 'ECONNRESET', 'EPIPE']);
let exhaustionSeen = 0;

/**
 * Last line of defence: a timer or handler somewhere that meets EMFILE and friends must not take
 * the talk down. Those are logged (folded when repeated) and the server goes on, recovering as
 * connections close. Anything else is a bug: stop everything cleanly and exit non-zero.
 */
function onUncaught(err: unknown, shutdown: (why: string, code: number) => void): void {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code && EXHAUSTION.has(code)) {
    exhaustionSeen++;
    log.warn(`resource exhaustion (${code}) outside a request, ${exhaustionSeen} so far; carrying on: ${(err as Error).message}`);
    return;
  }
  log.error(`uncaught: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  shutdown('uncaught error', 1);
}

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
  const shutdown = (why: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    log.info(`${why}: stopping the mesh and the server…`);
    // Bounded: a part that hangs while stopping must not keep the process (and the port) alive.
    setTimeout(() => {
      log.error('still stopping after 10 s; exiting anyway');
      process.exit(exitCode || 1);
    }, 10_000).unref();
    server.close().then(
      () => {
        flushLogSummaries();
        process.exit(exitCode);
      },
      (e: unknown) => {
        log.error(String(e));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));
  process.on('uncaughtException', (e) => onUncaught(e, shutdown));
  process.on('unhandledRejection', (e) => onUncaught(e, shutdown));
}

main().catch((err: unknown) => {
  if (err instanceof PortInUseError) log.error(err.message);
  else log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
