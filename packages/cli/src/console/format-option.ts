import { type Command, Option } from "commander";
import { choice } from "./option-parsers.js";

export type OutputFormat = "txt" | "json";

/** `--format=txt|json`, on every command that lists something. */
export function addFormatOption(command: Command): Command {
  return command.addOption(
    new Option("--format <format>", "output format: txt or json")
      .argParser(choice<OutputFormat>(["txt", "json"]))
      .default("txt"),
  );
}
