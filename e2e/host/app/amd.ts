/**
 * Grafana loads a plugin's module.js with SystemJS as an AMD module whose dependencies are the
 * packages Grafana shares with plugins. This shim does the same for the harness page: a global
 * `define` that hands the module the harness's own copies of those packages, so a plugin that
 * bundled its own @grafana/data (or asks for a package Grafana does not share) shows up here.
 */

export type ModuleMap = Record<string, unknown>;

type Factory = (...deps: unknown[]) => unknown;

interface PendingLoad {
  resolve: (exports: unknown) => void;
  reject: (error: Error) => void;
}

interface AmdWindow {
  define?: ((...args: unknown[]) => void) & { amd?: object };
}

const pending = new Map<string, PendingLoad>();

function parseDefine(args: unknown[]): { deps: string[]; factory: Factory } {
  const rest = typeof args[0] === 'string' ? args.slice(1) : args;
  if (Array.isArray(rest[0])) return { deps: rest[0] as string[], factory: rest[1] as Factory };
  return { deps: [], factory: rest[0] as Factory };
}

export function installAmd(shared: ModuleMap): void {
  const define = (...args: unknown[]) => {
    const script = document.currentScript as HTMLScriptElement | null;
    const id = script?.dataset.pluginId;
    const load = id ? pending.get(id) : undefined;
    if (!id || !load) throw new Error('define() called outside a plugin module load');
    pending.delete(id);
    try {
      const { deps, factory } = parseDefine(args);
      const exports: Record<string, unknown> = {};
      const missing = deps.filter((d) => d !== 'exports' && !(d in shared));
      if (missing.length > 0) throw new Error(`plugin ${id} asks for ${missing.join(', ')}, which Grafana does not share with plugins`);
      const resolved = deps.map((d) => (d === 'exports' ? exports : shared[d]));
      const result = typeof factory === 'function' ? factory(...resolved) : factory;
      load.resolve(result ?? exports);
    } catch (e) {
      load.reject(e instanceof Error ? e : new Error(String(e)));
    }
  };
  define.amd = {};
  (window as AmdWindow).define = define;
}

/** Loads public/plugins/<id>/module.js as Grafana does and resolves with its exports. */
export function loadPluginModule(id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve: (e) => resolve(e as Record<string, unknown>), reject });
    const script = document.createElement('script');
    script.src = `/public/plugins/${id}/module.js`;
    script.dataset.pluginId = id;
    script.onerror = () => {
      pending.delete(id);
      reject(new Error(`could not load /public/plugins/${id}/module.js`));
    };
    script.onload = () => {
      if (pending.has(id)) {
        pending.delete(id);
        reject(new Error(`/public/plugins/${id}/module.js did not call define()`));
      }
    };
    document.head.appendChild(script);
  });
}
