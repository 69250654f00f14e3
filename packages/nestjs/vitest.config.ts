import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Each test file builds Nest applications of its own (own modules, schema, providers), so the
      // files may share a worker's module cache: most of the suite's time is importing Nest.
      isolate: false,
    },
  }),
);
