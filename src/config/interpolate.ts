import { PumphouseError } from '../errors.js';
import { locate, type YamlSource } from '../diagnostics/yaml-source.js';

/**
 * `${NAME}` and `${NAME:-default}` in string values of pumphouse.yaml are replaced from the
 * environment, so secrets stay out of files; `$${` writes a literal `${`. A reference to an unset
 * variable (without default) is an error at its position — never silently an empty password.
 */
const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{[^}]*\}?/g;

export function interpolateEnv(source: YamlSource, env: NodeJS.ProcessEnv): unknown {
  return walk(source.value, [], source, env);
}

function walk(value: unknown, path: Array<string | number>, source: YamlSource, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') return expand(value, path, source, env);
  if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i], source, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k], source, env)]));
  }
  return value;
}

function expand(text: string, path: Array<string | number>, source: YamlSource, env: NodeJS.ProcessEnv): string {
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      throw new PumphouseError('PH1104', `malformed environment reference "${match}" at ${path.join('.')}`, {
        hint: 'write ${NAME} or ${NAME:-default}; $${ for a literal ${',
        location: locate(source, path),
      });
    }
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new PumphouseError('PH1105', `environment variable ${name} is not set (referenced at ${path.join('.')})`, {
      hint: `export ${name}=... before running pumphouse, or give a default: \${${name}:-value}`,
      location: locate(source, path),
    });
  });
}
