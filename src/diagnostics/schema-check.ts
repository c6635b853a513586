import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { loadSchema, repoPath, type SchemaName } from '../schemas.js';
import type { Diagnostic } from './diagnostic.js';
import { locate, type YamlSource } from './yaml-source.js';
import type { PhCode } from '../errors.js';

/**
 * Validates YAML-sourced data against one of our JSON Schemas and turns every ajv error into a
 * located Diagnostic an operator can act on ("unknown key `regin` — did you mean region_name?").
 */
const validators = new Map<SchemaName, ValidateFunction>();

const require = createRequire(import.meta.url);

export function validatorFor(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = precompiled(name) ?? compiled(name);
    validators.set(name, validate);
  }
  return validate;
}

/** The validator scripts/compile-schemas.mjs generated at build time (ajv's standalone code). */
function precompiled(name: SchemaName): ValidateFunction | undefined {
  const path = repoPath('dist', 'generated', `${name}.validator.cjs`);
  return existsSync(path) ? (require(path) as ValidateFunction) : undefined;
}

/** Without a build's validators (a schema being edited): compile now, with the same options. */
function compiled(name: SchemaName): ValidateFunction {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  return ajv.compile(loadSchema(name));
}

export function checkAgainstSchema(name: SchemaName, source: YamlSource, code: PhCode, value: unknown = source.value): Diagnostic[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  return simplify(validate.errors ?? []).map((error) => toDiagnostic(error, source, code, EXAMPLES[name]));
}

/** Where an operator sees every key of an input file written out. */
const EXAMPLES: Partial<Record<SchemaName, string>> = { config: 'samples/config.yaml', clouds: 'samples/clouds.yaml', plan: 'plans/' };

/**
 * ajv reports a failing `anyOf`/`oneOf` with the errors of every branch. A branch whose errors
 * are more than a wrong type at the value itself accepted the value's shape: it is what the
 * author meant, so only its errors stay. When every branch rejected the shape, one message lists
 * what is allowed instead of one per branch. Then duplicates go.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  let kept = errors.filter((e) => e.keyword !== 'if');
  for (const alternative of errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')) {
    const at = alternative.instancePath;
    const inside = (e: ErrorObject) => e !== alternative && (e.instancePath === at || e.instancePath.startsWith(`${at}/`));
    const wrongShape = (e: ErrorObject) => e.instancePath === at && SHAPE_KEYWORDS.has(e.keyword);
    const meant = kept.some((e) => inside(e) && !wrongShape(e));
    const shapes = kept.filter((e) => inside(e) && wrongShape(e));
    const collapsed = { ...alternative, message: `must be ${orList(shapes.flatMap(allowedShapes))}` };
    kept = kept.flatMap((e) => (e === alternative ? (meant ? [] : [collapsed]) : shapes.includes(e) ? [] : [e]));
  }
  const seen = new Set<string>();
  return kept.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Keywords that reject a value for what it is (not for what it contains). */
const SHAPE_KEYWORDS = new Set(['type', 'enum', 'const']);

function allowedShapes(error: ErrorObject): string[] {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum') return (params['allowedValues'] as unknown[]).map(String);
  if (error.keyword === 'const') return [String(params['allowedValue'])];
  return String(params['type']).split(',').map(article);
}

/** "a", "a or b", "a, b or c". */
function orList(items: string[]): string {
  const unique = [...new Set(items)];
  return unique.length <= 1 ? (unique[0] ?? 'something else') : `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function pathOf(instancePath: string): string[] {
  if (instancePath === '') return [];
  return instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toDiagnostic(error: ErrorObject, source: YamlSource, code: PhCode, examples: string | undefined): Diagnostic {
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
      hint = examples ? `add it (${examples} shows every key)` : 'add it';
      break;
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      summary = `${dotted} must be one of: ${allowed.join(', ')}`;
      const near = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      if (near) hint = `did you mean "${near}"?`;
      break;
    }
    case 'type':
      summary = `${dotted} must be ${article(String(params['type']))}`;
      break;
    case 'const':
      summary = `${dotted} must be ${JSON.stringify(params['allowedValue'])}`;
      break;
    case 'pattern':
      summary = `${dotted} does not match the expected form ${String(params['pattern'])}`;
      hint = firstSentence((error.parentSchema as { description?: unknown } | undefined)?.description);
      break;
    case 'minLength':
      summary = `${dotted} must not be empty`;
      break;
    case 'minItems':
      summary = params['limit'] === 1 ? `${dotted} must not be empty` : `${dotted} must have at least ${String(params['limit'])} items`;
      break;
    default:
      summary = `${dotted} ${error.message ?? 'is invalid'}`;
  }
  const diagnostic: Diagnostic = { severity: 'error', code, message: summary, location: { ...locate(source, at, preferKey), path: dotted } };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

function allowedKeys(error: ErrorObject): string[] | undefined {
  const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? Object.keys(properties) : undefined;
}

/** The schema's own words for a value, up to the first full stop: what the operator must write. */
function firstSentence(description: unknown): string | undefined {
  return typeof description === 'string' ? /^[^.]*\.?/.exec(description)?.[0] : undefined;
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
