// HTTP API of the demo on the public server: hole switches and demo requests.
// STUB — to be implemented (issue 3).
import express, { type RequestHandler, type Router } from 'express';
import type { Mesh } from './index.ts';

export interface DemoApiOptions {
  mesh: Mesh;
  presenterToken: string;
  /** Runs before an attendee's (token-less) demo request: rate limits, attendee baggage. */
  attendeeGate: RequestHandler;
}

export function createDemoApi(_opts: DemoApiOptions): Router {
  return express.Router();
}
