/** The type of the `t` a tap subtest receives, for helpers that take it. */
import type { BuiltPlugins, Test } from '@tapjs/test';

export type Tap = Test & BuiltPlugins;
