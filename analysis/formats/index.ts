// Any trace file in: Jaeger JSON (envelope or bare), OTLP JSON (one ExportTraceServiceRequest, or one per line) or Zipkin v2 JSON, told apart by content.
import { isJaegerTrace, type JaegerTrace } from '../../model/index.ts';
import { TraceInputError } from '../traceIndex.ts';
import { tracesFromOtlpJson } from './otlpJson.ts';
import { looksLikeZipkin, tracesFromZipkinJson } from './zipkinJson.ts';

export type TraceFormat = 'jaeger' | 'otlp' | 'zipkin';

const EXPECTED =
  'expected Jaeger JSON ({"data":[trace…]} or a trace), OTLP JSON ({"resourceSpans":[…]}, one per line allowed) or Zipkin v2 JSON ([{"traceId","id",…}…])';

const isOtlp = (x: unknown) => !!x && typeof x === 'object' && !Array.isArray(x) && ('resourceSpans' in x || 'resource_spans' in x);

/** The format a file's first few kilobytes show, for readers that stream Jaeger JSON and convert only the others. */
export function traceFormatOf(head: string): TraceFormat {
  if (/^\s*\{\s*"resource_?[sS]pans"/.test(head)) return 'otlp';
  if (/^\s*\[\s*(\[\s*)?\{/.test(head) && /"traceId"\s*:/.test(head) && !/"traceID"\s*:/.test(head)) return 'zipkin';
  return 'jaeger';
}

/** Parsed JSON (or the lines of a JSON-lines file) → its format, or undefined when it is none of the three. */
function formatOfValue(json: unknown): TraceFormat | undefined {
  if (isOtlp(json) || (Array.isArray(json) && json.length > 0 && json.every(isOtlp))) return 'otlp';
  if (looksLikeZipkin(json) || (Array.isArray(json) && json.length > 0 && json.every(looksLikeZipkin))) return 'zipkin';
  if (isJaegerTrace(json)) return 'jaeger';
  if (Array.isArray(json) && json.length > 0 && json.every(isJaegerTrace)) return 'jaeger';
  if (json && typeof json === 'object' && Array.isArray((json as { data?: unknown }).data)) return 'jaeger';
  return undefined;
}

/** The text as JSON; OTLP's JSON lines (a Collector's file exporter) as the list of their requests. */
function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1) {
      try {
        const each = lines.map((l) => JSON.parse(l) as unknown);
        if (each.every(isOtlp)) return each;
      } catch {
        // Not JSON lines either: the whole text's error says more.
      }
    }
    throw new TraceInputError(`not JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 120)})`);
  }
}

/**
 * Any of the three formats as Jaeger JSON: Jaeger input (or what is none of the three) comes back
 * as parsed, so Jaeger readers keep their own checks; the others as {"data":[trace…]}. Throws
 * TraceInputError with one line for text that is not JSON or OTLP/Zipkin that cannot be read.
 */
export function jaegerJsonOf(text: string): { format: TraceFormat; json: unknown } {
  const json = parse(text);
  const format = formatOfValue(json);
  if (format === 'otlp') return { format, json: { data: tracesFromOtlpJson(Array.isArray(json) ? json : [json]) } };
  if (format === 'zipkin')
    return { format, json: { data: tracesFromZipkinJson(looksLikeZipkin(json) ? json : (json as unknown[][]).flat()) } };
  // Jaeger, or none of the three: the Jaeger reader's own checks say what is wrong.
  return { format: 'jaeger', json };
}

/** Every trace in a file of any of the three formats (Jaeger's envelope may hold several). */
export function tracesFromText(text: string): { format: TraceFormat; traces: JaegerTrace[] } {
  const { format, json } = jaegerJsonOf(text);
  if (format === 'jaeger' && formatOfValue(json) === undefined) throw new TraceInputError(`not a trace: ${EXPECTED}`);
  if (isJaegerTrace(json)) return { format, traces: [json] };
  const list = Array.isArray(json) ? json : (json as { data: unknown[] }).data;
  const traces = list.filter(isJaegerTrace);
  if (traces.length === 0) throw new TraceInputError(`no trace in it: ${EXPECTED}`);
  return { format, traces };
}
