/**
 * `aws-signin completion SHELL`: a completion script for bash, zsh, fish or
 * PowerShell, built from the same command and flag specs as `--help`:
 * commands, subcommands, each command's flags, the values of `--format` and
 * `--output`, and profile names read from the config when completing
 * (`aws-signin configure list-profiles`).
 *
 * @example
 * ```sh
 * source <(aws-signin completion bash)
 * aws-signin completion fish > ~/.config/fish/completions/aws-signin.fish
 * ```
 * @module
 */

import type { Context } from "../cli/context.ts";
import {
  type CommandSpec,
  COMMON_FLAGS,
  type ParsedArgs,
} from "../cli/flags.ts";

const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

/** The command's spec. */
export const spec: CommandSpec = {
  name: "completion",
  summary: "Print a shell completion script (bash, zsh, fish, powershell).",
  description:
    "Prints a script that completes aws-signin's commands, flags, --format and --output values, and profile " +
    "names (read from your config when you press Tab). Load it from your shell's startup file:\n\n" +
    "  bash:        source <(aws-signin completion bash)            # in ~/.bashrc\n" +
    "  zsh:         source <(aws-signin completion zsh)             # in ~/.zshrc\n" +
    "  fish:        aws-signin completion fish > ~/.config/fish/completions/aws-signin.fish\n" +
    "  PowerShell:  aws-signin completion powershell | Out-String | Invoke-Expression   # in $PROFILE",
  flags: {},
  positionals: [{ name: "SHELL", help: "bash, zsh, fish or powershell." }],
  examples: ["source <(aws-signin completion bash)"],
};

/** What a script is built from. */
export interface CompletionModel {
  /** Top-level words, with their one-line summaries. */
  readonly top: readonly (readonly [string, string])[];
  /** Subcommands of groups (`configure` → `get`, `set`, ...). */
  readonly groups: Readonly<
    Record<string, readonly (readonly [string, string])[]>
  >;
  /** Flags of each command (`login`, `configure get`, ...), `--name` with its help. */
  readonly flags: Readonly<
    Record<string, readonly (readonly [string, string, boolean])[]>
  >;
  /** Values of flags that take one of a few (`--format`, `--output`). */
  readonly choices: Readonly<Record<string, readonly string[]>>;
}

/** A flag's help cut to its first sentence, at most 60 characters. */
function short(help: string): string {
  const first = help.split(/\. |: | \(/)[0]!.replace(/\.$/, "");
  return first.length > 60 ? `${first.slice(0, 59)}…` : first;
}

/** Loads every command's spec and gathers what completion needs. */
export async function completionModel(ctx: Context): Promise<CompletionModel> {
  const top = new Map<string, string>();
  const groups: Record<string, [string, string][]> = {};
  const flags: Record<string, [string, string, boolean][]> = {};
  const choices: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(ctx.commands)) {
    const [first, second] = name.split(" ");
    if (second === undefined) top.set(first!, entry.summary);
    else {
      (groups[first!] ??= []).push([second, entry.summary]);
      top.set(
        first!,
        `${first} ${groups[first!]!.map(([s]) => s).join(", ")}`,
      );
    }
    const module = await entry.load();
    const all = { ...module.spec.flags, ...COMMON_FLAGS };
    flags[name] = Object.entries(all).map((
      [flag, f],
    ) => [`--${flag}`, short(f.help), f.type === "string"]);
    for (const [flag, f] of Object.entries(all)) {
      if (f.choices) {
        choices[`--${flag}`] = [
          ...new Set([...(choices[`--${flag}`] ?? []), ...f.choices]),
        ];
      }
    }
  }
  return { top: [...top], groups, flags, choices };
}

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The bash script (zsh loads it through bashcompinit). */
export function bashScript(m: CompletionModel): string {
  const cases = Object.entries(m.flags).map(([name, fs]) =>
    `    ${q(name)}) opts=${q(fs.map(([f]) => f).join(" "))} ;;`
  ).join("\n");
  const groupCases = Object.entries(m.groups).map(([g, subs]) =>
    `    ${q(g)}) subs=${q(subs.map(([s]) => s).join(" "))} ;;`
  ).join("\n");
  const choiceCases = Object.entries(m.choices).map(([f, vs]) =>
    `    ${f}) COMPREPLY=($(compgen -W ${
      q(vs.join(" "))
    } -- "$cur")); return ;;`
  ).join("\n");
  const valueFlags = [
    ...new Set(
      Object.values(m.flags).flat().filter(([, , v]) => v).map(([f]) => f),
    ),
  ];
  return `# aws-signin completion for bash. Load it with: source <(aws-signin completion bash)
_aws_signin() {
  local cur prev cmd="" group="" word i opts="" subs=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # The command: the first one or two words that are not options (or option values).
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in
      --) break ;;
      ${valueFlags.join("|")}) i=$((i + 1)); continue ;;
      -*) continue ;;
    esac
    if [[ -z "$group" ]]; then group="$word"; cmd="$word"
    elif [[ "$cmd" == "$group" ]]; then cmd="$group $word"; break
    fi
  done
  case "$prev" in
    --profile)
      # Profile names come from files: never through compgen -W (which expands them), and quoted for the line.
      local name
      COMPREPLY=()
      while IFS= read -r name; do
        if [[ "$name" == "$cur"* ]]; then COMPREPLY+=("$(printf '%q' "$name")"); fi
      done < <(aws-signin configure list-profiles 2>/dev/null)
      return 0 ;;
${choiceCases}
  esac
  case "$cmd" in
${cases}
  esac
  case "$group" in
${groupCases}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$opts --help --debug" -- "$cur"))
  elif [[ -z "$group" ]]; then
    COMPREPLY=($(compgen -W ${q(m.top.map(([w]) => w).join(" "))} -- "$cur"))
  elif [[ -n "$subs" && "$cmd" == "$group" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  fi
}
complete -F _aws_signin aws-signin
`;
}

/**
 * The zsh script: the bash one through zsh's bashcompinit. It works both
 * sourced (`source <(aws-signin completion zsh)`, which loads compinit when
 * the shell has not) and as `_aws-signin` in a folder on `$fpath`, as
 * packages install it: compinit reads `#compdef`, and the first Tab runs the
 * file as `_aws-signin`, which registers the bash function and completes.
 */
export function zshScript(m: CompletionModel): string {
  return `#compdef aws-signin
# aws-signin completion for zsh. Load it with: source <(aws-signin completion zsh)
# or save it as _aws-signin in a folder on $fpath, before your compinit runs.
if [[ $funcstack[1] != _aws-signin ]] && (( ! $+functions[compdef] )); then
  autoload -U +X compinit && compinit
fi
autoload -U +X bashcompinit && bashcompinit
${bashScript(m).split("\n").slice(1).join("\n")}\
# Loaded from $fpath, this runs as _aws-signin for the first Tab: complete it now.
if [[ $funcstack[1] == _aws-signin ]]; then _bash_complete -F _aws_signin; fi
`;
}

/** The fish script. */
export function fishScript(m: CompletionModel): string {
  const fq = (s: string) =>
    `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const lines = [
    "# aws-signin completion for fish. Install it with:",
    "#   aws-signin completion fish > ~/.config/fish/completions/aws-signin.fish",
    "complete -c aws-signin -f",
  ];
  const groups = Object.keys(m.groups);
  for (const [word, summary] of m.top) {
    lines.push(
      `complete -c aws-signin -n __fish_use_subcommand -a ${fq(word)} -d ${
        fq(summary)
      }`,
    );
  }
  for (const [group, subs] of Object.entries(m.groups)) {
    const none = subs.map(([s]) => s).join(" ");
    for (const [sub, summary] of subs) {
      lines.push(
        `complete -c aws-signin -n ${
          fq(
            `__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from ${none}`,
          )
        } -a ${fq(sub)} -d ${fq(summary)}`,
      );
    }
  }
  for (const [name, fs] of Object.entries(m.flags)) {
    const [first, second] = name.split(" ");
    const condition = second === undefined
      ? groups.includes(first!)
        ? undefined
        : `__fish_seen_subcommand_from ${first}`
      : `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}`;
    if (condition === undefined) continue;
    for (const [flag, help, takesValue] of fs) {
      const values = flag === "--profile"
        ? ` -x -a ${fq("(aws-signin configure list-profiles 2>/dev/null)")}`
        : m.choices[flag]
        ? ` -x -a ${fq(m.choices[flag]!.join(" "))}`
        : takesValue
        ? " -r"
        : "";
      lines.push(
        `complete -c aws-signin -n ${fq(condition)} -l ${
          flag.slice(2)
        }${values} -d ${fq(help)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * PowerShell's single quotes: ' and the typographic U+2018 to U+201B all
 * open and close a single-quoted string, and each is escaped by doubling it.
 */
const PS_SINGLE_QUOTES = /['\u2018-\u201b]/g;

/** `s` as a PowerShell single-quoted string: every one of its single quotes doubled. */
function psQuote(s: string): string {
  return `'${s.replace(PS_SINGLE_QUOTES, "$&$&")}'`;
}

/**
 * The PowerShell script. It is ASCII only (so no encoding can change it on
 * its way to Invoke-Expression), and a profile name read from the config is
 * offered as it is only when it is made of plain characters, else
 * single-quoted with each of PowerShell's five single quotes doubled.
 */
export function powershellScript(m: CompletionModel): string {
  const ps = psQuote;
  const table = (entries: [string, string][]) =>
    `@{ ${entries.map(([k, v]) => `${ps(k)} = ${v}`).join("; ")} }`;
  const list = (xs: readonly string[]) => `@(${xs.map(ps).join(", ")})`;
  return `# aws-signin completion for PowerShell. Load it with:
#   aws-signin completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName aws-signin -ScriptBlock {
  param($wordToComplete, $commandAst, $cursorPosition)
  $top = ${list(m.top.map(([w]) => w))}
  $groups = ${
    table(
      Object.entries(m.groups).map(([g, s]) => [g, list(s.map(([w]) => w))]),
    )
  }
  $flags = ${
    table(
      Object.entries(m.flags).map(([n, fs]) => [n, list(fs.map(([f]) => f))]),
    )
  }
  $choices = ${table(Object.entries(m.choices).map(([f, vs]) => [f, list(vs)]))}
  $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
  if ($wordToComplete -ne '' -and $words.Count -gt 0) { $words = $words[0..($words.Count - 2)] }
  $plain = @($words | Where-Object { -not $_.StartsWith('-') })
  $prev = if ($words.Count -gt 0) { $words[-1] } else { '' }
  $candidates = @()
  $quote = $false
  if ($prev -eq '--profile') {
    # Names from files: offered as literal, single-quoted words, never evaluated.
    $candidates = @(aws-signin configure list-profiles 2>$null)
    $quote = $true
  } elseif ($choices.ContainsKey($prev)) {
    $candidates = $choices[$prev]
  } elseif ($plain.Count -eq 0) {
    $candidates = $top
  } elseif ($plain.Count -eq 1 -and $groups.ContainsKey($plain[0]) -and -not $wordToComplete.StartsWith('-')) {
    $candidates = $groups[$plain[0]]
  } else {
    $name = if ($plain.Count -ge 2 -and $groups.ContainsKey($plain[0])) { "$($plain[0]) $($plain[1])" } else { $plain[0] }
    if ($flags.ContainsKey($name)) { $candidates = $flags[$name] }
  }
  $candidates | Where-Object { ([string]$_).StartsWith($wordToComplete, [System.StringComparison]::Ordinal) } | ForEach-Object {
    $text = if ($quote -and $_ -cnotmatch '^[A-Za-z0-9_][A-Za-z0-9_.@:/+-]*$') { "'" + ($_ -replace "['\\u2018-\\u201b]", '$0$0') + "'" } else { $_ }
    [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
  }
}
`;
}

/** Runs `completion`. */
export async function run(args: ParsedArgs, ctx: Context): Promise<number> {
  const shell = args.positionals[0]!;
  if (!(SHELLS as readonly string[]).includes(shell)) {
    const { UsageError } = await import("../errors.ts");
    throw new UsageError(
      `Unknown shell "${shell}": choose one of ${SHELLS.join(", ")}.`,
      `Run "aws-signin completion --help" to see how to load each.`,
    );
  }
  const model = await completionModel(ctx);
  const script = shell === "bash"
    ? bashScript(model)
    : shell === "zsh"
    ? zshScript(model)
    : shell === "fish"
    ? fishScript(model)
    : powershellScript(model);
  await ctx.io.out(script);
  return 0;
}
