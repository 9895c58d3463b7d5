import assert from 'node:assert/strict';
import test from 'node:test';
import { describe } from '../dist/index.js';

test('api describes itself', () => {
  assert.equal(describe(), 'api 1.0.0');
});
