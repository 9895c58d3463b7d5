// The lock beside history and keys: exclusive while its holder lives, never left behind by a
// write that fails.

import * as fs from 'node:fs';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { takeLock, withLock } from '../lib/util/lock.js';

const fileIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'stagerun-lock-')), 'history.jsonl');

t.test('a lock held by a live process is neither taken over nor deleted', async (t) => {
  const file = fileIn();
  // Held by this very process (alive), written just now.
  writeFileSync(`${file}.lock`, String(process.pid));
  const locked = withLock(file, (held) => held, 100);
  t.equal(locked, false, 'the body runs without the lock');
  t.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid), "the holder's lock is still there, untouched");
});

t.test('a lock is exclusive: a second taker inside the first waits, then runs without it', async (t) => {
  const file = fileIn();
  const inner = withLock(file, (outer) => {
    t.ok(outer);
    return withLock(file, (held) => held, 50);
  });
  t.equal(inner, false);
  t.notOk(existsSync(`${file}.lock`), 'released after');
});

t.test('a lock whose PID could not be written (ENOSPC) is removed, and one left empty is soon taken over', async (t) => {
  const file = fileIn();
  const full = () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  };
  t.throws(() => takeLock(`${file}.lock`, full), { code: 'ENOSPC' });
  t.notOk(existsSync(`${file}.lock`), 'no lock left behind');
  writeFileSync(`${file}.lock`, '');
  fs.utimesSync(`${file}.lock`, new Date(Date.now() - 5000), new Date(Date.now() - 5000));
  const started = Date.now();
  t.ok(
    withLock(file, (held) => held, 3000),
    'an empty lock from a process that died before writing its PID is taken over',
  );
  t.ok(Date.now() - started < 1000, 'at once, not after the wait');
});
