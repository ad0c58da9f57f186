// CPU, memory and event-loop lag of the deck server and the mesh processes it spawned, sampled once a second.
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Log } from '../pkg/index.ts';

/** Linux's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every mainstream build). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ServerStats {
  /** Deck server process: share of one core over the last sample (100 = one core busy). */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The deck server plus every process it spawned (the mesh), from /proc; null where /proc is missing. */
  tree: { processes: number; cpuPercent: number; rssBytes: number } | null;
  /** Event-loop delay over the last sample in ms: how long a tick waited; the deck's smoothness on the server side. */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  cores: number;
  loadAverage1m: number;
  uptimeSeconds: number;
}

const EMPTY: ServerStats = {
  cpuPercent: 0,
  rssBytes: 0,
  heapUsedBytes: 0,
  tree: null,
  eventLoopDelayMs: { p50: 0, p99: 0, max: 0 },
  cores: 0,
  loadAverage1m: 0,
  uptimeSeconds: 0,
};

interface ProcTimes {
  ticks: number;
  rssBytes: number;
}

function readProc(pid: number): ProcTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields counted from 3 (state): utime 14, stime 15, rss 24.
    const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
    return { ticks, rssBytes: Number(fields[24 - 3]) * PAGE_BYTES };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) for (const c of list.split(' ')) out.push(Number(c));
    }
  } catch {
    // The process ended between listing and reading: it simply has no children now.
  }
  return out;
}

function processTree(root: number): number[] {
  const seen = [root];
  // The walk reads pids appended while it runs (an array iterator sees later pushes): breadth-first, capped at 200.
  for (const pid of seen) {
    if (seen.length >= 200) break;
    seen.push(...childrenOf(pid));
  }
  return seen;
}

export class ServerStatsSampler {
  private timer: NodeJS.Timeout | undefined;
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private lastTicks = new Map<number, number>();
  private hasProc = false;
  private current: ServerStats | undefined;
  private failing = false;

  constructor(
    private readonly log: Log,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (this.timer) return;
    this.hasProc = readProc(process.pid) !== undefined;
    this.loop.enable();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /**
   * Out of file descriptors (a flood of connections), reading /proc or even process.memoryUsage()
   * throws EMFILE: the last figures stay, one line says why, and sampling resumes when it can.
   */
  private tick(): void {
    try {
      this.current = this.sample();
      if (this.failing) this.log.info('server stats: sampling again');
      this.failing = false;
    } catch (e) {
      if (!this.failing)
        this.log.warn(`server stats: cannot sample (${(e as NodeJS.ErrnoException).code ?? String(e)}); keeping the last figures`);
      this.failing = true;
    }
  }

  /** The latest sample (taken now if sampling has not started). */
  stats(): ServerStats {
    if (!this.current) this.tick();
    return this.current ?? EMPTY;
  }

  private sample(): ServerStats {
    const now = performance.now();
    const elapsedMs = Math.max(1, now - this.lastAt);
    const cpu = process.cpuUsage();
    const usedMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    this.lastCpu = cpu;
    this.lastAt = now;

    let tree: ServerStats['tree'] = null;
    if (this.hasProc) {
      const ticks = new Map<number, number>();
      let rssBytes = 0;
      let deltaTicks = 0;
      for (const pid of processTree(process.pid)) {
        const p = readProc(pid);
        if (!p) continue;
        ticks.set(pid, p.ticks);
        rssBytes += p.rssBytes;
        // A process first seen in this sample has no baseline: its time counts from the next sample.
        const before = this.lastTicks.get(pid);
        if (before !== undefined) deltaTicks += p.ticks - before;
      }
      this.lastTicks = ticks;
      tree = { processes: ticks.size, cpuPercent: round1(((deltaTicks / TICKS_PER_SECOND) * 1000 * 100) / elapsedMs), rssBytes };
    }

    const mem = process.memoryUsage();
    const ms = (ns: number) => round1(ns / 1e6);
    const loop = { p50: ms(this.loop.percentile(50)), p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) };
    this.loop.reset();
    return {
      cpuPercent: round1((usedMicros / 1000 / elapsedMs) * 100),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      tree,
      eventLoopDelayMs: loop,
      cores: os.availableParallelism(),
      loadAverage1m: round1(os.loadavg()[0] ?? 0),
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.loop.disable();
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
