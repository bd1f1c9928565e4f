/**
 * A long-lived `spec/torch/bench.py --serve` process: one JSON request per line on its stdin,
 * one JSON answer per line on its stdout, so the harness can interleave single repetitions of
 * ssn-ts and PyTorch without paying Python's start-up each time.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Params } from './workloads.js';

/** What the server says when it is ready. */
export interface TorchHello {
  torch: string;
  numpy: string;
  threads: number;
  /** The BLAS library the Python process loaded (its resolved path), null when unknown. */
  blas: string | null;
  /** The CPUs the Python process may run on (its affinity), null when unknown. */
  cpus: number[] | null;
  /** The glibc allocator variables it was started with (each null when unset), null when unknown. */
  allocator: Record<string, string | null> | null;
  /** The C library's version ("glibc 2.36"), null when unknown. */
  libc: string | null;
}

/** One answer: the per-repetition times (ms) and the workload's scalar result. */
export interface TorchAnswer {
  times: number[];
  value: number | null;
}

export interface TorchServer {
  readonly hello: TorchHello;
  run(
    workload: string,
    params: Params,
    reps: number,
    dtype?: 'float64' | 'float32',
  ): Promise<TorchAnswer>;
  /** One untimed agreement check (bench.py's CHECKS): its result, loss and gradients. */
  check(name: string, params: Params, input?: unknown): Promise<CheckResult>;
  close(): Promise<void>;
}

/** A check's answer: named scalars and arrays. */
export type CheckResult = Record<string, number | number[]>;

/** Either a running server or the reason there is none (torch missing, python missing, …). */
export type TorchStart = { ok: true; server: TorchServer } | { ok: false; reason: string };

/**
 * Starts the server and waits for its hello line (up to `timeoutMs`). Never throws: a Python
 * without torch, a missing interpreter or a crash before the hello gives `{ ok: false, reason }`.
 */
export async function startTorchServer(
  python: string,
  script: string,
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = process.env,
  /** A command the interpreter runs under, e.g. ['taskset', '-c', '1']. */
  wrapper: readonly string[] = [],
): Promise<TorchStart> {
  const [command, ...args] = [...wrapper, python, script, '--serve'];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string | null) => void)[] = [];
  const queued: (string | null)[] = [];
  const deliver = (line: string | null): void => {
    const w = waiting.shift();
    if (w) w(line);
    else queued.push(line);
  };
  lines.on('line', (line) => deliver(line));
  lines.on('close', () => deliver(null));
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      resolve();
    });
  });
  const spawnError = new Promise<string>((resolve) => child.on('error', (e) => resolve(e.message)));
  const nextLine = (): Promise<string | null> =>
    queued.length > 0
      ? Promise.resolve(queued.shift() ?? null)
      : new Promise((resolve) => waiting.push(resolve));
  const lastStderrLine = (): string =>
    stderr.trim().split('\n').pop() ?? 'exited without a message';

  let timer: NodeJS.Timeout | undefined;
  const first = await Promise.race([
    nextLine(),
    spawnError.then((m) => `spawn error: ${m}`),
    new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  const fail = (reason: string): TorchStart => {
    if (!exited) child.kill();
    return { ok: false, reason };
  };
  if (first === null) return fail(`${python} ${script}: ${lastStderrLine()}`);
  if (first === 'timeout') return fail(`${python} ${script}: no answer in ${timeoutMs} ms`);
  if (first.startsWith('spawn error:')) return fail(`${python}: ${first}`);
  let hello: TorchHello & { ready?: boolean };
  try {
    hello = JSON.parse(first);
  } catch {
    return fail(`${script}: unexpected first line ${JSON.stringify(first.slice(0, 200))}`);
  }
  if (hello.ready !== true) return fail(`${script}: not ready: ${first.slice(0, 200)}`);

  let chain: Promise<unknown> = Promise.resolve();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each caller types its reply
  const request = (body: object): Promise<any> => {
    // Requests are answered in order; chaining keeps one in flight at a time.
    const answer = chain.then(async () => {
      child.stdin.write(`${JSON.stringify(body)}\n`);
      const line = await nextLine();
      if (line === null) throw new Error(`torch server exited: ${lastStderrLine()}`);
      const reply = JSON.parse(line) as { error?: string };
      if (reply.error !== undefined) throw new Error(`torch server: ${reply.error}`);
      return reply;
    });
    chain = answer.catch(() => undefined);
    return answer;
  };
  const server: TorchServer = {
    hello: {
      torch: hello.torch,
      numpy: hello.numpy,
      threads: hello.threads,
      blas: hello.blas ?? null,
      cpus: hello.cpus ?? null,
      allocator: hello.allocator ?? null,
      libc: hello.libc ?? null,
    },
    run(workload, params, reps, dtype = 'float64') {
      return request({ workload, params, reps, dtype }).then((reply: TorchAnswer) => ({
        times: reply.times,
        value: reply.value,
      }));
    },
    check(name, params, input) {
      return request({ check: name, params, input }).then((r: { check: CheckResult }) => r.check);
    },
    async close() {
      child.stdin.end();
      await Promise.race([exitedPromise, new Promise((r) => setTimeout(r, 5000))]);
      if (!exited) child.kill();
    },
  };
  return { ok: true, server };
}
