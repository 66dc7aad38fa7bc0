// `echo`: does nothing but say what it was asked, with the container properties. For tests
// and for trying a deployment out.

import type { BuiltinModule } from './module';

export const echoModule: BuiltinModule = async (ctx) => {
  ctx.log(`echo: ${ctx.activity} ${ctx.component} in container ${ctx.container}`);
};
