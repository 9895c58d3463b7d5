import assert from 'node:assert/strict';
import test from 'node:test';
import { describe } from '../dist/index.js';

test('worker describes itself', () => {
  assert.equal(describe(), 'worker 1.0.0');
});
