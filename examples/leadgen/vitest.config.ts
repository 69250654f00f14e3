import { defineConfig, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Every test file builds applications of its own (own container, store, schema or key prefix)
      // and nothing global is changed, so files may share a worker's module cache: this halves the
      // suite's time, most of which is importing the packages again for each file.
      isolate: false,
    },
  }),
);
