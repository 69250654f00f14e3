import { createRequire } from "node:module";

type Tsyringe = typeof import("tsyringe");

let loaded: Tsyringe | null | undefined;

/**
 * tsyringe, when the application has it installed; undefined otherwise. Loaded on first use, not
 * imported, so that core runs without it (a Nest application brings its own container). tsyringe
 * is CommonJS, so `require` returns the very module an application's `import "tsyringe"` gets:
 * one root container, one registry of `@injectable()` classes.
 */
export function optionalTsyringe(): Tsyringe | undefined {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)("tsyringe") as Tsyringe;
    } catch (error) {
      if ((error as { code?: unknown }).code !== "MODULE_NOT_FOUND") throw error;
      loaded = null;
    }
  }
  return loaded ?? undefined;
}
