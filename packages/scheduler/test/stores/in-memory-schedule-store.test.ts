import { FakeClock } from "@messenger-ts/core/testing";
import { InMemoryScheduleStore } from "../../src/index.js";
import { describeScheduleStoreContract } from "./store-contract.js";

describeScheduleStoreContract("InMemoryScheduleStore", () => {
  const clock = new FakeClock();
  const store = new InMemoryScheduleStore(clock);
  return { create: () => store, wait: (ms) => clock.advance(ms) };
});
