// Where the standalone viewer gets traces: the query API by ID, a same-origin URL, or a local file — each with a clear error.
import { tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';

/** A load that failed for a reason the reader can act on; `message` is shown as is. */
export class TraceLoadError extends Error {
  override name = 'TraceLoadError';
}

/** Parses a Jaeger JSON file: the `{data:[trace…]}` envelope or a bare trace. */
export function parseTraceFile(text: string, source: string): JaegerTrace[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TraceLoadError(`${source} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  let traces: JaegerTrace[];
  try {
    traces = tracesFromJaegerFile(json);
  } catch (e) {
    throw new TraceLoadError(`${source} is JSON but ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (traces.length === 0) throw new TraceLoadError(`${source} holds no traces.`);
  return traces;
}

async function reasonOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { errors?: { msg?: string }[]; error?: string };
    const msg = body.errors?.[0]?.msg ?? body.error;
    return msg ? `: ${msg}` : '';
  } catch {
    return '';
  }
}

async function fetchText(url: URL, what: string): Promise<Response> {
  try {
    return await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  } catch (e) {
    throw new TraceLoadError(`Could not reach the server for ${what} (${e instanceof Error ? e.message : String(e)}).`);
  }
}

/** The query API's answer for a trace ID, or a TraceLoadError saying why there is none. */
export async function fetchTraceByID(id: string, page: URL): Promise<Response> {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) {
    throw new TraceLoadError(`“${id}” is not a trace ID: expected up to 64 letters and digits (hex from Jaeger).`);
  }
  // Relative to the page, so the viewer works under a sub-path too.
  const url = new URL(`api/traces/${encodeURIComponent(id)}`, page);
  const res = await fetchText(url, `trace ${id}`);
  if (res.status === 404) {
    throw new TraceLoadError(`No trace with ID ${id} was found. It may not have arrived yet, or it has been dropped from the store.`);
  }
  if (!res.ok) throw new TraceLoadError(`The query API answered ${res.status} for trace ${id}${await reasonOf(res)}.`);
  return res;
}

/** Only files from this page's own origin: the viewer must not become a way to fetch from elsewhere. */
function sameOriginUrl(raw: string, page: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, page);
  } catch {
    throw new TraceLoadError(`“${raw}” is not a URL.`);
  }
  if (url.origin !== page.origin) {
    throw new TraceLoadError(
      `Refused to open ${url.href}: only files from this site (${page.origin}) are opened by URL. Download the file and drop it here instead.`,
    );
  }
  return url;
}

/** A same-origin file's answer, or a TraceLoadError saying why there is none. */
export async function fetchTraceUrl(raw: string, page: URL): Promise<Response> {
  const url = sameOriginUrl(raw, page);
  const res = await fetchText(url, url.pathname);
  if (!res.ok) throw new TraceLoadError(`Could not open ${url.pathname}: the server answered ${res.status}${await reasonOf(res)}.`);
  return res;
}
