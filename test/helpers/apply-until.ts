import { spawn } from 'node:child_process';
import { CLI, REPO_ROOT } from './cli.js';

/** One NDJSON event line of `apply --output json`. */
export interface EventLine { type: string; data: Record<string, unknown> }

/**
 * Runs the CLI (`args`, an apply with `--output json`) in a child process and reads its events as
 * they come; SIGKILLs it at the first event `killAt` answers true for, as an operator's kill -9
 * would land there. Resolves how it ended: `killed` when the kill landed, otherwise it finished.
 */
export function applyUntil(args: string[], env: NodeJS.ProcessEnv, killAt: (event: EventLine) => boolean): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf('\n'); !killed && nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('{') && killAt(JSON.parse(line) as EventLine)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('close', (code) => resolve({ killed, code, stderr }));
  });
}
