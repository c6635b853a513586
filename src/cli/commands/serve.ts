import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { writeLine } from '../../render/streams.js';
import { SERVE_CODES, startApiServer } from '../../server/server.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';

interface ServeArgs {
  listen: string;
  state: string;
}

/**
 * `pumphouse serve`: the HTTP API (schemas/openapi.yaml) on the same engine and state file as
 * the CLI, until Ctrl-C. A running apply is cancelled (its state stays consistent) on the way out.
 */
export const serveCommand: CliCommand<ServeArgs> = {
  name: 'serve',
  builder: (yargs: Argv) =>
    yargs
      .option('listen', { type: 'string', default: '127.0.0.1:8080', describe: 'HOST:PORT; beyond loopback only with PUMPHOUSE_API_TOKEN set' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file (shared with pumphouse apply)' }),
  run: async (context: CommandContext, args: ServeArgs) => {
    const match = /^(.*):(\d+)$/.exec(args.listen);
    if (!match) throw new PumphouseError(SERVE_CODES.badListen, `--listen ${args.listen} is not HOST:PORT`, { hint: 'e.g. --listen 127.0.0.1:8080' });
    const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
    const token = context.env['PUMPHOUSE_API_TOKEN'] || undefined;
    const server = await startApiServer({ config: context.config(), statePath: args.state, host, port: Number(match[2]), token });
    writeLine(context.streams.stderr, `Serving the Pumphouse API on ${server.url}/v1 (${token ? 'bearer token required' : 'no token: loopback only'}); Ctrl-C stops it.`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
