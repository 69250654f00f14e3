import { defineCommand } from "../console/console-command.js";
import { addFormatOption, type OutputFormat } from "../console/format-option.js";
import { type BusDescription, describeBuses } from "../debug/describe-buses.js";
import { formatConditions } from "../debug/format-conditions.js";

/**
 * `debug:messenger [bus] [--format=txt|json]`: the messages each bus can dispatch to handlers, and
 * those handlers with the options that limit or order them. TypeScript keeps no docblocks at run
 * time, so unlike Symfony there are no description lines.
 */
export const debugMessengerCommand = defineCommand<{ format: OutputFormat }>({
  name: "debug:messenger",
  description: "List messages you can dispatch using the message buses",
  configure(command) {
    command.argument("[bus]", "a bus name (default: every bus)");
    addFormatOption(command);
  },
  async execute({ args, options }, { output, application }) {
    const { messenger } = await application();
    const buses = describeBuses(messenger, args[0] as string | undefined);
    if (options.format === "json") {
      output.json({ buses: Object.fromEntries(buses.map((bus) => [bus.name, bus.messages])) });
      return;
    }
    output.title("Messenger");
    for (const bus of buses) {
      output.section(bus.name);
      if (bus.messages.length === 0) {
        output.warning(`No handled message found in bus "${bus.name}".`);
        continue;
      }
      output.writeln("The following messages can be dispatched:");
      output.writeln();
      output.table([], rowsOf(bus, output.colors));
    }
  },
});

type Paint = (text: string) => string;

function rowsOf(bus: BusDescription, colors: { cyan: Paint; green: Paint }): string[][] {
  const rows: string[][] = [];
  for (const message of bus.messages) {
    if (rows.length > 0) rows.push([""]);
    rows.push([colors.cyan(messageLabel(message))]);
    for (const handler of message.handlers) {
      rows.push([`    handled by ${colors.green(handler.name)}${formatConditions(handler.conditions)}`]);
    }
  }
  return rows;
}

function messageLabel(message: BusDescription["messages"][number]): string {
  if (message.class === "*") return "* (every message)";
  return message.type === null ? message.class : `${message.type} (${message.class})`;
}
