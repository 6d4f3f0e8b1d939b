/**
 * Help text: a command's `--help`, the command list, a group's subcommands,
 * and "did you mean" suggestions. Loaded only when help or a usage error is
 * printed, so normal runs never parse it.
 *
 * @example
 * ```ts
 * formatHelp({
 *   name: "logout",
 *   summary: "Remove cached login credentials.",
 *   description: "Deletes the login cache entry of the profile.",
 *   flags: {},
 *   positionals: [],
 * }); // "Remove cached login credentials.\n\nUsage:\n  aws-signin logout\n..."
 * ```
 * @module
 */

import {
  type CommandSpec,
  COMMON_FLAGS,
  type FlagSpec,
  IGNORED_AWS_CLI_FLAGS,
} from "./flags.ts";
import type { CommandEntry } from "./command.ts";

/** The closest command word within two edits, for "Did you mean ...?". */
export function suggest(
  word: string,
  candidates: readonly string[],
): string | undefined {
  return candidates.find((k) => editDistance(k, word) <= 2);
}

function editDistance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => [i, ...Array<number>(b.length).fill(0)],
  );
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length]![b.length]!;
}

export function topHelp(
  table: Readonly<Record<string, CommandEntry>>,
  version: string,
): string {
  const width = Math.max(...Object.keys(table).map((k) => k.length));
  const rows = Object.entries(table).map(([name, e]) =>
    `  ${name.padEnd(width)}  ${e.summary}`
  ).join("\n");
  return `aws-signin ${version}: AWS console-credential sign-in without the AWS CLI.

Usage:
  aws-signin <command> [options]

Commands:
${rows}

Options:
  --version   Print the version and exit.
  --help      Show this help, or a command's help with "aws-signin <command> --help".
  --debug     (with any command) Print where settings and credentials come from.

It reads and writes the same ~/.aws/config and login cache as the AWS CLI, so
the AWS CLI, every AWS SDK and aws-signin share one session.
`;
}

export function groupHelp(
  group: string,
  table: Readonly<Record<string, CommandEntry>>,
): string {
  const subs = Object.entries(table).filter(([name]) =>
    name.startsWith(`${group} `)
  );
  const width = Math.max(...subs.map(([n]) => n.length));
  return `Usage:\n  aws-signin ${group} <subcommand> [options]\n\nSubcommands:\n${
    subs.map(([n, e]) => `  ${n.padEnd(width)}  ${e.summary}`).join("\n")
  }\n\nRun "aws-signin ${group} <subcommand> --help" for a subcommand's options.\n`;
}

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    if (paragraph.trim() === "") {
      out.push("");
      continue;
    }
    // Keep pre-formatted lines (indented, or code) as they are.
    if (paragraph.startsWith("  ")) {
      out.push(indent + paragraph);
      continue;
    }
    let line = "";
    for (const word of paragraph.split(" ")) {
      if (
        line !== "" && indent.length + line.length + 1 + word.length > width
      ) {
        out.push(indent + line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    out.push(indent + line);
  }
  return out.join("\n");
}

/** The `--help` text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const flags: Record<string, FlagSpec> = { ...spec.flags, ...COMMON_FLAGS };
  const synopsis = [
    `aws-signin ${spec.name}`,
    ...spec.positionals.map((p) => p.name),
    ...Object.entries(spec.flags).map(([name, f]) =>
      f.type === "boolean"
        ? `[--${name}]`
        : `[--${name}\u00a0${f.placeholder ?? "VALUE"}]`
    ),
    ...(spec.rest ? ["--", spec.rest.name.replaceAll(" ", "\u00a0")] : []),
  ].join(" ");
  // A no-break space keeps "[--flag VALUE]" on one line.
  const usage = wrap(synopsis, 78, "  ").replaceAll("\u00a0", " ");
  let out = `${spec.summary}\n\nUsage:\n${usage}\n\n${
    wrap(spec.description, 78, "")
  }\n`;
  if (spec.positionals.length > 0 || spec.rest) {
    out += "\nArguments:\n";
    for (const p of [...spec.positionals, ...(spec.rest ? [spec.rest] : [])]) {
      out += `  ${p.name}\n${wrap(p.help, 78, "      ")}\n`;
    }
  }
  out += "\nOptions:\n";
  for (const [name, f] of Object.entries(flags)) {
    const head = f.type === "boolean"
      ? `--${name}`
      : `--${name} ${f.placeholder ?? "VALUE"}`;
    const choices = f.choices ? ` One of: ${f.choices.join(", ")}.` : "";
    out += `  ${head}\n${wrap(f.help + choices, 78, "      ")}\n`;
  }
  out += `${
    wrap(
      `Also accepted, with no effect (AWS CLI global options): ${
        Object.keys(IGNORED_AWS_CLI_FLAGS).map((f) => `--${f}`).join(", ")
      }.`,
      78,
      "  ",
    )
  }\n`;
  for (const [title, text] of spec.extra ?? []) {
    out += `\n${title}:\n${wrap(text, 78, "  ")}\n`;
  }
  if (spec.examples && spec.examples.length > 0) {
    out += "\nExamples:\n";
    for (const e of spec.examples) out += `  ${e}\n`;
  }
  return out;
}
