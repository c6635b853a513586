import { randomBytes } from 'node:crypto';
import type { Argv } from 'yargs';
import { PumphouseError } from '../../errors.js';
import { humanEventPrinter } from '../../render/human/events.js';
import { writeLine } from '../../render/streams.js';
import { SERVE_CODES, startApiServer } from '../../server/server.js';
import type { CommandContext } from '../context.js';
import type { CliCommand } from '../main.js';
import { DEFAULT_STATE_PATH } from './shared.js';
import { mapsFromPlanFile } from '../../server/original/maps.js';

interface ServeArgs {
  listen: string;
  state: string;
  token: boolean;
  allowHost: string[];
  mapsFrom?: string;
}

/**
 * `pumphouse serve`: the HTTP API (schemas/openapi.yaml) on the same engine and state file as
 * the CLI, until Ctrl-C. A running apply is cancelled (its state stays consistent) on the way out.
 * Every request needs a token: PUMPHOUSE_API_TOKEN, or one generated here and printed with the
 * dashboard's address (as Jupyter does). `--no-token` is for old clients only, loopback only.
 */
export const serveCommand: CliCommand<ServeArgs> = {
  name: 'serve',
  builder: (yargs: Argv) =>
    yargs
      .option('listen', { type: 'string', default: '127.0.0.1:8080', describe: 'HOST:PORT' })
      .option('state', { type: 'string', default: DEFAULT_STATE_PATH, describe: 'the state file (shared with pumphouse apply)' })
      .option('token', { type: 'boolean', default: true, describe: 'require a bearer token (PUMPHOUSE_API_TOKEN, or one generated and printed); --no-token only for old clients that cannot send one, loopback only' })
      .option('maps-from', { type: 'string', describe: 'a plan file whose spec.maps the original API\'s migrations (POST /tenants, /servers) use, e.g. for a target whose external network is named otherwise (default: pumphouse.yaml maps)' })
      .option('allow-host', { type: 'string', array: true, default: [], describe: 'another name clients reach this server by (the Host header), e.g. behind a reverse proxy; repeatable' }),
  run: async (context: CommandContext, args: ServeArgs) => {
    const match = /^(.*):(\d+)$/.exec(args.listen);
    if (!match) throw new PumphouseError(SERVE_CODES.badListen, `--listen ${args.listen} is not HOST:PORT`, { hint: 'e.g. --listen 127.0.0.1:8080' });
    const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
    const given = context.env['PUMPHOUSE_API_TOKEN'] || undefined;
    const token = args.token ? given ?? randomBytes(24).toString('base64url') : undefined;
    const config = context.engine.config();
    const maps = args.mapsFrom ? await mapsFromPlanFile(context.engine, args.mapsFrom) : config.maps;
    const server = await startApiServer({
      config, statePath: args.state, host, port: Number(match[2]), token, noToken: !args.token, allowHosts: args.allowHost, ...(maps ? { maps } : {}),
      limits: { maxConnections: config.settings.serve.maxConnections },
    });
    const stderr = context.streams.stderr;
    // The server's log: its warnings and errors (all its events with --verbose) on stderr.
    server.journal.bus.on(humanEventPrinter(stderr, { color: context.color, verbose: context.verbose }));
    writeLine(stderr, `Serving the Pumphouse API on ${server.url}/v1 (${token ? 'bearer token required' : 'NO TOKEN'}); Ctrl-C stops it.`);
    if (!args.token) {
      writeLine(stderr, 'WARNING: --no-token: any program on this machine can start applies, and only the Host, Origin and content-type checks stand between a web page and your clouds. Use it only for old clients that cannot send a token.');
    } else if (!given) {
      const local = new URL(server.url);
      if (host === '0.0.0.0' || host === '::') local.hostname = '127.0.0.1';
      writeLine(stderr, `No PUMPHOUSE_API_TOKEN set: this run's token was generated. Open the dashboard at\n    ${local.origin}/#token=${token}\nor send "Authorization: Bearer ${token}".`);
    }
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
