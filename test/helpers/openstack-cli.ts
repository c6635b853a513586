/**
 * The `openstack` CLI as a JSON source for tests that must not trust Pumphouse's own client:
 * `openstack --os-cloud CLOUD <args> -f json`, parsed. Each CLI process costs 1.5–3 s on the
 * testbed (Python start-up, a new token every service validates), so batchRunner sends the
 * commands asked for at about the same time through ONE process (the CLI's interactive mode reads
 * them from stdin), and cachedRunner runs each distinct command once. A recorder keeps every
 * answer so a unit test can replay a real session (replayRunner).
 */
import { spawn } from 'node:child_process';

/**
 * Nova microversion of every command: 2.79 shows a server's tags, description, embedded flavor
 * and server groups, a flavor's description (2.55) and other users' keypairs (2.10).
 */
export const CLI_ENV = { OS_COMPUTE_API_VERSION: '2.79' };

/** Runs `openstack --os-cloud CLOUD ...args -f json` and returns the parsed output. */
export type CliRunner = (cloud: string, args: readonly string[]) => Promise<unknown>;

/** The key a recording stores an answer under. */
export const recordingKey = (cloud: string, args: readonly string[]): string => `${cloud} ${args.join(' ')}`;

/** The real CLI in a child process (OS_CLIENT_CONFIG_FILE and the rest of the environment pass through). */
export function spawnRunner(options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliRunner {
  return (cloud, args) => new Promise((resolve, reject) => {
    const child = spawn('openstack', ['--os-cloud', cloud, ...args, '-f', 'json'], { env: { ...process.env, ...CLI_ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`openstack ${args.join(' ')} on ${cloud}: ${error.message} (is python3-openstackclient installed?)`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`openstack ${args.join(' ')} on ${cloud} exited ${String(code)}: ${stderr.trim().split('\n').pop() ?? ''}`));
      try {
        resolve(JSON.parse(stdout) as unknown);
      } catch {
        reject(new Error(`openstack ${args.join(' ')} on ${cloud}: the output is not JSON`));
      }
    });
  });
}

// Words the CLI's interactive mode (cmd2) would read as syntax: such commands are refused.
const SAFE_WORD = /^[\w@:.,=/+-]+$/;

interface Pending {
  args: readonly string[];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** Runs `calls` in one interactive `openstack` process, each answer after a `@@@<n>` marker line. */
function runBatch(cloud: string, calls: Pending[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): void {
  const script = calls.map((c, i) => `shell echo @@@${i}\n${c.args.join(' ')} -f json\n`).join('');
  const child = spawn('openstack', ['--os-cloud', cloud], { env: { ...process.env, ...CLI_ENV, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const fail = (call: Pending, why: string) => call.reject(new Error(`openstack ${call.args.join(' ')} on ${cloud}: ${why}`));
  child.on('error', (error) => {
    clearTimeout(timer);
    for (const call of calls) fail(call, `${error.message} (is python3-openstackclient installed?)`);
  });
  child.on('close', () => {
    clearTimeout(timer);
    const answers = new Map<number, string>();
    let current: number | undefined;
    for (const line of stdout.split('\n')) {
      const marker = /^@@@(\d+)$/.exec(line);
      if (marker) current = Number(marker[1]);
      else if (current !== undefined) answers.set(current, `${answers.get(current) ?? ''}${line}\n`);
    }
    calls.forEach((call, i) => {
      const text = answers.get(i)?.trim();
      if (!text) return fail(call, `failed (the batch's errors: ${stderr.trim().slice(-500)})`);
      try {
        call.resolve(JSON.parse(text) as unknown);
      } catch {
        fail(call, 'the output is not JSON');
      }
    });
  });
  child.stdin.end(script);
}

/**
 * The real CLI, the commands asked for within `windowMs` of each other on one cloud sent through
 * one process. A failed command rejects alone; the others still answer.
 */
export function batchRunner(options: { windowMs?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): CliRunner {
  const queues = new Map<string, Pending[]>();
  return (cloud, args) => new Promise((resolve, reject) => {
    const unsafe = args.find((a) => !SAFE_WORD.test(a));
    if (unsafe !== undefined) return reject(new Error(`openstack ${args.join(' ')}: "${unsafe}" cannot go through the CLI's interactive mode`));
    let queue = queues.get(cloud);
    if (!queue) {
      queue = [];
      queues.set(cloud, queue);
      setTimeout(() => {
        queues.delete(cloud);
        runBatch(cloud, queue!, options);
      }, options.windowMs ?? 50);
    }
    queue.push({ args, resolve, reject });
  });
}

/** `inner`, with each distinct command run once and at most `limit` at a time. */
export function cachedRunner(inner: CliRunner, limit = Number.POSITIVE_INFINITY): CliRunner {
  const cache = new Map<string, Promise<unknown>>();
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running < limit) {
      running += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return (cloud, args) => {
    const key = recordingKey(cloud, args);
    let answer = cache.get(key);
    if (!answer) {
      answer = slot().then(() => inner(cloud, args)).finally(release);
      cache.set(key, answer);
    }
    return answer;
  };
}

/** `inner`, keeping every successful answer in `into` (key: recordingKey). */
export function recordingRunner(inner: CliRunner, into: Record<string, unknown>): CliRunner {
  return async (cloud, args) => {
    const answer = await inner(cloud, args);
    into[recordingKey(cloud, args)] = answer;
    return answer;
  };
}

/** Answers from a recording; a command it does not hold fails as the CLI would for a missing object. */
export function replayRunner(recorded: Readonly<Record<string, unknown>>): CliRunner {
  return async (cloud, args) => {
    const key = recordingKey(cloud, args);
    if (!(key in recorded)) throw new Error(`openstack ${args.join(' ')} on ${cloud}: not in the recording`);
    return structuredClone(recorded[key]);
  };
}
