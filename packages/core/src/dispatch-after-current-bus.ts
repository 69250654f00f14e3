// Entry point `@messenger-ts/core/dispatch-after-current-bus`. Importing it is what turns on the
// tracking of root dispatches the stamp relies on (see DispatchAfterCurrentBusMiddleware).
import { armRootDispatchTracking } from "./middleware/dispatch-after-current-bus-middleware.js";

armRootDispatchTracking();

export { DispatchAfterCurrentBusStamp } from "./stamps/dispatch-after-current-bus-stamp.js";
