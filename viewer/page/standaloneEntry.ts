// The standalone viewer's first script: asks the worker for the traces the address names, then loads the rest of the page.
// Reading a big file is most of the wait, so it starts before the page's own code has even been fetched.
import { sourcesInAddress } from './pageAddress.ts';
import { preloadTraces, startTraceWorker } from '../reader/traceLoader.ts';
// The page's own frame is styled from the start; the viewer's styles come with its code.
import './standalone.css';

// Started even with nothing to load yet: a file dropped on the page is then read without waiting for it.
startTraceWorker();
const sources = sourcesInAddress(new URL(location.href));
if (sources?.kind === 'one') preloadTraces(sources.request);
else if (sources?.kind === 'pair') sources.requests.forEach(preloadTraces);
void import('./standalone.ts');
