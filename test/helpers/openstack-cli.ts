// The real `openstack` command-line client (python3-openstackclient), driven from the tests.
import { spawn } from 'node:child_process';

/**
 * Runs every listing in ONE interactive `openstack` process (commands on stdin), so the suite
 * pays Python's start-up and one authentication once instead of once per command.
 */
export function openstackBatch(cloud: string, env: NodeJS.ProcessEnv, commands: string[], globalArgs: string[] = []): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('openstack', ['--os-cloud', cloud, ...globalArgs], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const values = splitJsonValues(stdout);
      if (values.length !== commands.length) reject(new Error(`openstack answered ${values.length} of ${commands.length} listings: ${stderr.slice(0, 2000)}`));
      else resolve(values);
    });
    child.stdin.end(commands.map((c) => `${c} -f json`).join('\n') + '\n');
  });
}

/** Top-level JSON values printed one after another (interactive mode has no separator). */
function splitJsonValues(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') {
      if (depth++ === 0) start = i;
    } else if ((ch === ']' || ch === '}') && --depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
  }
  return values;
}
