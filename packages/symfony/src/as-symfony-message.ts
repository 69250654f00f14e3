import { type SymfonyMessageClass, symfonyClasses } from "./symfony-class-map.js";

/**
 * Declares the PHP class a message class stands for on queues shared with a Symfony application,
 * next to its `@AsMessage` type name. `SymfonySerializer` writes it in the `type` header and builds
 * this class when it reads it.
 *
 * @example
 * ```ts
 * @AsMessage("leadgen.send_email")
 * @AsSymfonyMessage("App\\Message\\SendEmailMessage")
 * class SendEmailMessage { constructor(readonly offerId: number) {} }
 * ```
 */
export function AsSymfonyMessage(phpClass: string) {
  return (target: SymfonyMessageClass): void => {
    symfonyClasses.register(phpClass, target);
  };
}
