#!/usr/bin/env node
// Compiles each JSON Schema under schemas/ into a standalone validator (ajv's generated code) in
// dist/generated/, at build time, so no command pays for ajv's import and compilation at start-up.
// src/diagnostics/schema-check.ts loads them, and compiles at run time only when one is missing.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const out = join('dist', 'generated');
mkdirSync(out, { recursive: true });
for (const file of readdirSync('schemas').filter((f) => f.endsWith('.schema.json'))) {
  const name = file.slice(0, -'.schema.json'.length);
  // The same options as schema-check.ts's run-time compilation: both must report the same errors.
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true, code: { source: true } });
  const validate = ajv.compile(JSON.parse(readFileSync(join('schemas', file), 'utf8')));
  writeFileSync(join(out, `${name}.validator.cjs`), standaloneCode.default(ajv, validate));
}
