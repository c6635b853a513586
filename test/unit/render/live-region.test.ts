import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PumphouseEvent } from '../../../src/events/events.js';
import { ApplyBoard, liveApplyPrinter } from '../../../src/render/human/apply-live.js';
import { clock } from '../../../src/render/format.js';
import { LiveRegion, truncate } from '../../../src/render/live-region.js';
import { painter, writeLine } from '../../../src/render/streams.js';

/**
 * A terminal that understands what LiveRegion sends (text, newlines, "cursor N lines up" and
 * "clear to the end of the screen"; colours are dropped), so the tests assert what a person
 * would see, not escape codes.
 */
class Screen {
  rows: string[] = [''];
  private row = 0;
  columns = 60;

  write(chunk: string): boolean {
    // eslint-disable-next-line no-control-regex
    const tokens = chunk.replace(/\x1b\[[0-9;]*m/g, '').split(/(\x1b\[\d*[FJ]|\n)/);
    for (const token of tokens) {
      if (token === '') continue;
      if (token === '\n') {
        this.row += 1;
        if (this.rows.length <= this.row) this.rows.push('');
      } else if (token.endsWith('F') && token.startsWith('\x1b[')) {
        this.row = Math.max(0, this.row - Number(token.slice(2, -1)));
      } else if (token === '\x1b[0J') {
        this.rows = [...this.rows.slice(0, this.row), ''];
      } else {
        this.rows[this.row] = (this.rows[this.row] ?? '') + token;
      }
    }
    return true;
  }

  /** What is on screen, without the empty line the cursor sits on. */
  get text(): string[] {
    return this.rows.at(-1) === '' ? this.rows.slice(0, -1) : this.rows;
  }
}

let seq = 0;
const event = (type: string, data: Record<string, unknown>, message = ''): PumphouseEvent =>
  ({ type, level: 'info', message, data, seq: ++seq, time: new Date(0).toISOString() }) as unknown as PumphouseEvent;

describe('live region', () => {
  test('lines written through it land above the block, which stays at the bottom', () => {
    const screen = new Screen();
    const region = new LiveRegion(screen);
    writeLine(region.stream, 'before');
    region.set(['status 1', 'status 2']);
    writeLine(region.stream, 'a warning');
    assert.deepEqual(screen.text, ['before', 'a warning', 'status 1', 'status 2']);
    region.set(['only one now']);
    assert.deepEqual(screen.text, ['before', 'a warning', 'only one now']);
    region.close();
    writeLine(region.stream, 'after');
    assert.deepEqual(screen.text, ['before', 'a warning', 'after'], 'closing erases the block; later writes go straight through');
  });

  test('block lines are cut to the terminal width (colour kept, not counted)', () => {
    const screen = new Screen();
    screen.columns = 30;
    const region = new LiveRegion(screen);
    region.set([`\x1b[36m${'x'.repeat(100)}\x1b[39m`]);
    assert.equal(screen.text[0]?.length, 29);
    assert.ok(screen.text[0]?.endsWith('…'));
    assert.equal(truncate('short', 10), 'short');
    assert.equal(truncate('a long line', 6), 'a lon…', 'no colour codes are added to plain text');
  });
});

describe('apply in a terminal', () => {
  const c = painter(false);

  test('the block lists steps in flight with phase, bytes, rate and ETA, and counts what is done', () => {
    const board = new ApplyBoard();
    board.onEvent(event('apply_started', { plan: 'p', steps: 10, resumed: false, parallelism: 4 }), 0);
    board.onEvent(event('step_started', { step: 'copy:image:admin/cirros', action: 'copy', address: 'image:admin/cirros', attempt: 1 }), 0);
    board.onEvent(event('step_started', { step: 'migrate:server:demo/web-1', action: 'migrate', address: 'server:demo/web-1', attempt: 2 }), 1000);
    board.onEvent(event('step_progress', { step: 'copy:image:admin/cirros', bytes: 300 << 20, totalBytes: 1 << 30, bytesPerSecond: 50 << 20, etaSeconds: 15 }), 5000);
    board.onEvent(event('step_progress', { step: 'migrate:server:demo/web-1', phase: 'snapshotting the server on the source' }), 5000);
    board.onEvent(event('step_finished', { step: 'create:project:demo', outcome: 'done', ms: 5 }), 5000);
    board.onEvent(event('step_finished', { step: 'create:flavor:m1', outcome: 'failed', ms: 5, error: 'boom' }), 5000);
    assert.deepEqual(board.lines(65_000, c), [
      '  › copy:image:admin/cirros · 300.0 MiB of 1.0 GiB at 50.0 MiB/s, 15 s left · 1 m 05 s',
      '  › migrate:server:demo/web-1 (attempt 2) · snapshotting the server on the source · 1 m 04 s',
      '  2/10 steps · 1 failed · 1 m 05 s',
    ]);
    board.onEvent(event('step_finished', { step: 'copy:image:admin/cirros', outcome: 'done', ms: 5 }), 66_000);
    assert.equal(board.lines(66_000, c).length, 2, 'a finished step leaves the block');
  });

  test('many steps in flight: the oldest six are named, the rest counted', () => {
    const board = new ApplyBoard();
    board.onEvent(event('apply_started', { plan: 'p', steps: 20, resumed: false, parallelism: 9 }), 0);
    for (let i = 0; i < 9; i += 1) board.onEvent(event('step_started', { step: `create:port:p${i}`, action: 'create', address: `port:p${i}`, attempt: 1 }), i);
    const lines = board.lines(10, c);
    assert.equal(lines.length, 8);
    assert.match(lines[0]!, /port:p0/);
    assert.equal(lines[6], '    … and 3 more running');
  });

  test('finished steps scroll by above the block; apply_finished erases it', () => {
    const screen = new Screen();
    let now = 0;
    const live = liveApplyPrinter(new LiveRegion(screen), { color: false, verbose: false, now: () => now });
    try {
      live.onEvent(event('apply_started', { plan: 'p', steps: 2, resumed: false, parallelism: 2 }, 'Applying p: 2 steps'));
      assert.deepEqual(screen.text, ['Applying p: 2 steps', '  0/2 steps · 0 s']);
      live.onEvent(event('step_started', { step: 'create:project:demo', action: 'create', address: 'project:demo', attempt: 1 }));
      assert.deepEqual(screen.text.at(-1), '  0/2 steps · 0 s', 'a frame less than 200 ms after the last waits for the timer');
      now = 1000;
      live.onEvent(event('step_progress', { step: 'create:project:demo', phase: 'creating' }));
      assert.deepEqual(screen.text, ['Applying p: 2 steps', '  › create:project:demo · creating · 1 s', '  0/2 steps · 1 s']);
      now = 1500;
      live.onEvent(event('step_finished', { step: 'create:project:demo', outcome: 'done', ms: 1500 }));
      assert.deepEqual(screen.text.slice(0, 2), ['Applying p: 2 steps', '  ✓ create:project:demo 1.5 s'], 'the finished line is above the block');
      live.onEvent(event('apply_finished', { ms: 1500 }));
      assert.deepEqual(screen.text, ['Applying p: 2 steps', '  ✓ create:project:demo 1.5 s'], 'nothing of the block is left');
    } finally {
      live.close();
    }
  });

  test('clocks read as seconds, minutes or hours', () => {
    assert.equal(clock(9_999), '9 s');
    assert.equal(clock(185_000), '3 m 05 s');
    assert.equal(clock(3_720_000), '1 h 02 m');
  });
});
