import assert from 'node:assert/strict';
import test from 'node:test';
import { describe } from '../dist/index.js';

test('web describes itself', () => {
  assert.equal(describe(), 'web 1.0.0');
});
