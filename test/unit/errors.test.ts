import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControls, PumphouseError, quoted } from '../../src/errors.js';
import { formatErrorHuman } from '../../src/render/human/errors.js';

// Text Pumphouse did not write (a damaged file, a name from a cloud, a header) reaches the
// terminal quoted and escaped: a control character or a bidirectional override in it can neither
// drive the terminal nor make the message read otherwise than it is.

const HOSTILE = 'web\u202e1\u001b[2J\u0007\r\nfake: ok\u0000\u0085\u2066x';

test('quoted() quotes and escapes control characters and bidirectional controls, and cuts long text', () => {
  const text = quoted(HOSTILE);
  assert.equal(text, '"web\\u202e1\\u001b[2J\\u0007\\r\\nfake: ok\\u0000\\u0085\\u2066x"');
  assert.equal(quoted('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
  assert.equal(quoted('x'.repeat(500), 10), `"${'x'.repeat(10)}…" (500 characters)`);
  assert.equal(quoted('déjà vu – ok'), '"déjà vu – ok"', 'printable text stays as it is');
});

test('an error reaches the terminal with no raw control character, whatever its message holds', () => {
  const rendered = formatErrorHuman(new PumphouseError('PH0001', `bad ${HOSTILE}`, { hint: `hint ${HOSTILE}` }), false);
  assert.doesNotMatch(rendered, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  assert.equal(escapeControls('line one\nline two'), 'line one\nline two', 'a newline the message meant stays');
});
