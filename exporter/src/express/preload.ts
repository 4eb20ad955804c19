import Module from 'node:module';
import { isExpressModule, patchLoadedExpress, patchRouterPrototype, routerPrototypeOf } from './route-templates';

// What `@pulse-apm/exporter/register` does: patch every copy of Express as it loads, before the
// app's route modules register anything, so each route is wrapped with its template at
// registration (no later walk needed, and routers Pulse would never reach from the app are
// covered too). ESM imports of CommonJS packages go through Module._load as well.

const kHooked = Symbol.for('pulse.express.loadHook');

type Load = ((request: string, parent: unknown, isMain: boolean) => unknown) & { [kHooked]?: true };

export function patchExpressAsItLoads(): void {
  patchLoadedExpress(undefined); // copies already loaded, and the app's own (from the working directory)
  const loader = Module as unknown as { _load: Load };
  const load = loader._load;
  if (typeof load !== 'function' || load[kHooked]) return;
  const hooked: Load = function pulseLoad(this: unknown, request, parent, isMain) {
    const exports = load.call(this, request, parent, isMain);
    if (isExpressModule(exports)) {
      const proto = routerPrototypeOf(exports);
      if (proto !== undefined) patchRouterPrototype(proto);
    }
    return exports;
  };
  hooked[kHooked] = true;
  loader._load = hooked;
}
