import { existsSync } from 'node:fs';
import { PumphouseError } from '../errors.js';
import { cloudFromCloudsYaml, DEFAULT_SETTINGS, loadConfig, type PumphouseConfig } from './load.js';
import type { CloudConfig } from './types.js';

/**
 * Where the two clouds come from. pumphouse.yaml when there is one (or one was named with
 * --config / PUMPHOUSE_CONFIG), with `--source-cloud` / `--target-cloud` taking the place of its
 * clouds; without one, the clouds.yaml entries those flags name, and `OS_CLOUD` (as the
 * OpenStack clients read it) names the source. A side nothing names is an error only once a
 * command needs it (PH1440): `clouds --cloud source` works with OS_CLOUD alone.
 */
export interface ConfigChoice {
  file: string;
  /** The file was named (--config, PUMPHOUSE_CONFIG): it must exist. */
  explicit: boolean;
  sourceCloud?: string | undefined;
  targetCloud?: string | undefined;
  env: NodeJS.ProcessEnv;
}

export const CONFIG_CHOICE_CODES = { noCloud: 'PH1440' } as const;

export function chooseConfig(choice: ConfigChoice): PumphouseConfig {
  const { env } = choice;
  const fileThere = choice.explicit || existsSync(choice.file);
  const sourceName = choice.sourceCloud ?? (fileThere ? undefined : env['OS_CLOUD'] || undefined);
  if (fileThere || (sourceName === undefined && choice.targetCloud === undefined)) {
    const config = loadConfig(choice.file, env);
    if (choice.sourceCloud) config.source = namedCloud(choice.sourceCloud, 'source', config, env);
    if (choice.targetCloud) config.target = namedCloud(choice.targetCloud, 'target', config, env);
    return config;
  }
  const config = { file: choice.file, settings: DEFAULT_SETTINGS, hosts: {}, hostManagement: 'bmc' } as unknown as PumphouseConfig;
  defineCloud(config, 'source', sourceName, env);
  defineCloud(config, 'target', choice.targetCloud, env);
  return config;
}

/** A clouds.yaml entry as the `label` cloud, with the config's limits. */
function namedCloud(name: string, label: 'source' | 'target', config: Pick<PumphouseConfig, 'settings'>, env: NodeJS.ProcessEnv): CloudConfig {
  const cloud = cloudFromCloudsYaml(name, env, label);
  cloud.timeoutMs = config.settings.timeoutMs;
  cloud.deadlineMs = config.settings.http.deadlineMs;
  cloud.maxResponseBytes = config.settings.http.maxResponseBytes;
  return cloud;
}

/** The cloud named, or a property that says what to do once something reads it. */
function defineCloud(config: PumphouseConfig, label: 'source' | 'target', name: string | undefined, env: NodeJS.ProcessEnv): void {
  if (name !== undefined) {
    config[label] = namedCloud(name, label, config, env);
    return;
  }
  const flag = `--${label}-cloud`;
  Object.defineProperty(config, label, {
    enumerable: true,
    get: () => {
      throw new PumphouseError(CONFIG_CHOICE_CODES.noCloud, `no ${label} cloud: there is no ${config.file} and no ${flag}${label === 'source' ? ' or OS_CLOUD' : ''}`, {
        hint: `name it: ${flag} NAME (a cloud of clouds.yaml)${label === 'source' ? ', OS_CLOUD=NAME' : ''}, or write pumphouse.yaml (samples/config.yaml)`,
      });
    },
  });
}
