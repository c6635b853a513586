import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadSchema, type SchemaName } from '../schemas.js';
import type { Diagnostic } from './diagnostic.js';
import { locate, type YamlSource } from './yaml-source.js';

/**
 * Validates YAML-sourced data against one of our JSON Schemas and turns every ajv error into a
 * located Diagnostic an operator can act on ("unknown key `regin` — did you mean region_name?").
 */
const validators = new Map<SchemaName, ValidateFunction>();

export function validatorFor(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    validate = ajv.compile(loadSchema(name));
    validators.set(name, validate);
  }
  return validate;
}

export function checkAgainstSchema(name: SchemaName, source: YamlSource, code: string, value: unknown = source.value): Diagnostic[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return simplify(validate.errors ?? []).map((error) => toDiagnostic(error, source, code));
}

/** ajv reports a failing `oneOf`/`anyOf` and each branch; keep the most specific errors only. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if');
  const chosen = specific.length > 0 ? specific : errors;
  const seen = new Set<string>();
  return chosen.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pathOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toDiagnostic(error: ErrorObject, source: YamlSource, code: string): Diagnostic {
  const path: Array<string | number> = pathOf(error.instancePath).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const dotted = path.join('.') || '(top level)';
  let summary: string;
  let hint: string | undefined;
  let at = path;
  let preferKey = false;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      at = [...path, key];
      preferKey = true;
      summary = `unknown key "${key}"${path.length ? ` in ${dotted}` : ''}`;
      const allowed = allowedKeys(error);
      const near = allowed && closest(key, allowed);
      hint = near ? `did you mean "${near}"?` : allowed ? `allowed keys: ${allowed.join(', ')}` : 'remove it';
      break;
    }
    case 'required':
      summary = `${dotted === '(top level)' ? 'the file' : dotted} is missing the required key "${String(params['missingProperty'])}"`;
      hint = 'add it (samples/ shows every key)';
      break;
    case 'enum':
      summary = `${dotted} must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`;
      break;
    case 'type':
      summary = `${dotted} must be ${article(String(params['type']))}`;
      break;
    case 'pattern':
      summary = `${dotted} does not match the expected form ${String(params['pattern'])}`;
      break;
    case 'minLength':
      summary = `${dotted} must not be empty`;
      break;
    default:
      summary = `${dotted} ${error.message ?? 'is invalid'}`;
  }
  const diagnostic: Diagnostic = { severity: 'error', code, summary, source: { ...locate(source, at, preferKey), path: dotted } };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

function allowedKeys(error: ErrorObject): string[] | undefined {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The allowed key closest to a misspelt one, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
