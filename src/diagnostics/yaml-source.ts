import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import YAML, { LineCounter, isCollection, type Document } from 'yaml';
import { type PhCode, PumphouseError, type SourceLocation } from '../errors.js';

/**
 * A YAML file parsed with its node positions kept, so later checks (schema, semantic rules) can
 * point at `file:line:col`. Hostile input fails fast: size cap, binary content, alias bombs.
 */
export interface YamlSource {
  file: string;
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain JSON data. */
  value: unknown;
  /** sha256 (hex) of the bytes read, so what is derived from the file can say which version it came from. */
  sha256: string;
}

/** Operator files are small; anything bigger is a mistake (or an attack). @default 4 MiB */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
/** YAML aliases beyond this count are refused (billion-laughs). */
const MAX_ALIAS_COUNT = 100;

export interface LoadYamlOptions {
  /** Error code family: PHxx01 (unreadable), PHxx02 (not text, too big), PHxx03 (not YAML); 1100 for pumphouse.yaml, 1200 for clouds.yaml, 1300 for plan files. */
  codeBase: keyof typeof YAML_FILE_CODES;
  /** What the file is, for messages: "config file", "clouds.yaml". */
  what: string;
}

/** The codes of each family of YAML files, by their offset from the family's base. */
const YAML_FILE_CODES = {
  1100: { 1: 'PH1101', 2: 'PH1102', 3: 'PH1103' },
  1200: { 1: 'PH1201', 2: 'PH1202', 3: 'PH1203' },
  1300: { 1: 'PH1301', 2: 'PH1302', 3: 'PH1303' },
} as const satisfies Record<number, Record<1 | 2 | 3, PhCode>>;

function yamlCode(options: LoadYamlOptions, offset: 1 | 2 | 3): PhCode {
  return YAML_FILE_CODES[options.codeBase][offset];
}

export function readYamlFile(file: string, options: LoadYamlOptions): YamlSource {
  let bytes: Buffer;
  try {
    bytes = readCapped(file, MAX_YAML_BYTES + 1);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [why, hint] =
      code === 'ENOENT' ? ['no such file', 'check the path, or create the file (samples/ and plans/ have examples)']
      : code === 'EISDIR' ? ['it is a directory', 'name a file in it']
      : [code ?? (error as Error).message, 'check the path and its permissions'];
    throw new PumphouseError(yamlCode(options, 1), `${options.what} ${file} cannot be read: ${why}`, { hint });
  }
  if (bytes.length > MAX_YAML_BYTES) {
    throw new PumphouseError(yamlCode(options, 2), `${options.what} ${file} is bigger than the ${MAX_YAML_BYTES / 1024 / 1024} MiB limit`, {
      hint: 'operator files are small: check that the right file is named',
      location: { file, line: 1, col: 1 },
    });
  }
  return parseYaml(bytes, file, options);
}

/**
 * At most `limit` bytes of a file. Reads rather than trusting stat's size, so a pipe
 * (`<(...)`), a device (/dev/zero) or a file growing underneath cannot exhaust memory.
 */
function readCapped(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    while (length < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
    }
    return Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}

export function parseYaml(bytes: Buffer | string, file: string, options: LoadYamlOptions): YamlSource {
  const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const nul = buffer.indexOf(0);
  if (nul >= 0) {
    throw new PumphouseError(yamlCode(options, 2), `${options.what} ${file} is not text (a NUL byte at offset ${nul})`, {
      hint: 'name a YAML file',
      location: locationOfOffset(file, buffer.subarray(0, nul).toString('utf8'), nul),
    });
  }
  const text = buffer.toString('utf8');
  const lineCounter = new LineCounter();
  const document = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const first = document.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new PumphouseError(yamlCode(options, 3), `${options.what} is not valid YAML: ${firstLine(first.message)}`, {
      hint: 'fix the YAML syntax at the position shown',
      location: { file, line: pos.line, col: pos.col },
    });
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new PumphouseError(yamlCode(options, 3), `${options.what} ${file} cannot be expanded: ${firstLine((error as Error).message)}`, {
      hint: 'YAML aliases are limited to 100 expansions; write the values out',
      location: { file, line: 1, col: 1 },
    });
  }
  return { file, text, document, lineCounter, value, sha256: createHash('sha256').update(buffer).digest('hex') };
}

/**
 * Where the node at `path` (ajv instancePath segments or object keys) starts. Falls back to the
 * nearest ancestor that exists, then to 1:1, so every diagnostic has a position.
 */
export function locate(source: YamlSource, path: ReadonlyArray<string | number>, preferKey = false): SourceLocation {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = prefix.length === 0 ? source.document.contents : source.document.getIn(prefix, true);
    let range: readonly number[] | null | undefined = (node as { range?: number[] } | undefined)?.range;
    if (preferKey || (depth === path.length && isCollection(node) === false && range === undefined)) {
      const keyRange = keyRangeOf(source, prefix);
      if (keyRange) range = keyRange;
    }
    if (range && typeof range[0] === 'number') {
      const pos = source.lineCounter.linePos(range[0]);
      return { file: source.file, line: pos.line, col: pos.col };
    }
  }
  return { file: source.file, line: 1, col: 1 };
}

/** The range of the key under which `path` sits, to point at "auth:" rather than its value. */
function keyRangeOf(source: YamlSource, path: ReadonlyArray<string | number>): readonly number[] | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? source.document.contents : source.document.getIn(path.slice(0, -1), true);
  const items = (parent as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | undefined)?.items;
  const last = path[path.length - 1];
  const pair = items?.find((item) => item.key !== undefined && item.key.value === last);
  return pair?.key?.range;
}

function locationOfOffset(file: string, before: string, _offset: number): SourceLocation {
  const lines = before.split('\n');
  return { file, line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
