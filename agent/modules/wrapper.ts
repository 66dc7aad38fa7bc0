// `wrapper`: the component brings its own activation logic as `bin/wrapper <activity>`.

import { join } from 'node:path';
import { runProgram } from './run';
import type { BuiltinModule } from './module';

export const wrapperModule: BuiltinModule = async (ctx) => {
  await runProgram(join(ctx.component, 'bin', 'wrapper'), [ctx.activity, ctx.container], ctx, `the wrapper of ${ctx.componentName}`);
};
