/**
 * Shell completion: the scripts load in bash, zsh and fish and complete a
 * command, a subcommand, a flag, a flag's values and a profile name (read from
 * the config when completing, through `configure list-profiles`, which
 * matches the AWS CLI's).
 */
import assert from "node:assert/strict";
import { PERMISSIONS } from "../../dev/permissions.ts";
import {
  baseEnv,
  hasAwsCli,
  ROOT,
  runAwsCli,
  runCliProcess,
  runProcess,
  type TempHome,
  tempHome,
} from "../helpers.ts";
import { powershellScript } from "../../lib/commands/completion.ts";

const has = (shell: string) => {
  try {
    return Deno.statSync(`/usr/bin/${shell}`).isFile;
  } catch {
    return false;
  }
};

/** A home with profiles, and `aws-signin` on PATH (a wrapper around `deno run main.ts`). */
async function completionHome(): Promise<TempHome & { path: string }> {
  const home = await tempHome();
  await Deno.mkdir(`${home.dir}/.aws`);
  await Deno.mkdir(`${home.dir}/bin`);
  await Deno.writeTextFile(
    home.config,
    "[default]\nregion = us-east-1\n\n[profile dev]\nregion = eu-west-1\n\n[profile devops]\nregion = eu-west-1\n",
  );
  await Deno.writeTextFile(
    home.credentials,
    "[only-keys]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n",
  );
  const quote = (s: string) => `'${s.replaceAll("'", `'"'"'`)}'`;
  await Deno.writeTextFile(
    `${home.dir}/bin/aws-signin`,
    `#!/bin/sh\nexec ${quote(Deno.execPath())} run --quiet ${
      PERMISSIONS.join(" ")
    } ${quote(`${ROOT}/main.ts`)} "$@"\n`,
    { mode: 0o755 },
  );
  return Object.assign(home, {
    path: `${home.dir}/bin:${baseEnv().PATH}`,
  });
}

Deno.test("configure list-profiles lists what the AWS CLI lists", async () => {
  await using home = await completionHome();
  const ours = await runCliProcess(["configure", "list-profiles"], home.env);
  assert.deepEqual(ours, {
    code: 0,
    stdout: "default\ndev\ndevops\nonly-keys\n",
    stderr: "",
  });
  if (hasAwsCli) {
    const theirs = await runAwsCli(["configure", "list-profiles"], home.env);
    assert.equal(ours.stdout, theirs.stdout);
  }
});

Deno.test({
  name:
    "bash: the script loads, and completes a command, a subcommand, a flag, its values and a profile",
  ignore: !has("bash"),
  async fn() {
    await using home = await completionHome();
    const complete = (words: string[]) => `
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${
      words.length - 1
    }; COMPREPLY=()
_aws_signin; echo "\${COMPREPLY[*]}"`;
    const script = `set -e
source <(aws-signin completion bash)
complete -p aws-signin
${complete(["aws-signin", "con"])}
${complete(["aws-signin", "configure", "ex"])}
${
      complete([
        "aws-signin",
        "--profile",
        "dev",
        "configure",
        "export-credentials",
        "--fo",
      ])
    }
${
      complete([
        "aws-signin",
        "configure",
        "export-credentials",
        "--format",
        "env",
      ])
    }
${complete(["aws-signin", "login", "--profile", "dev"])}
${complete(["aws-signin", "sts", "get-caller-identity", "--output", ""])}
${complete(["aws-signin", "st"])}`;
    const result = await runProcess("/usr/bin/bash", ["-c", script], {
      ...baseEnv(),
      ...home.env,
      PATH: home.path,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      "complete -F _aws_signin aws-signin\nconfigure console\nexport-credentials\n--format\nenv env-no-export\n" +
        "dev devops\njson text\nsts status\n",
    );
  },
});

Deno.test({
  name:
    "fish: the script loads, and completes a command, a flag, its values and a profile",
  ignore: !has("fish"),
  async fn() {
    await using home = await completionHome();
    const script = `aws-signin completion fish | source
complete -C'aws-signin con'
complete -C'aws-signin configure list-'
complete -C'aws-signin logout --a'
complete -C'aws-signin configure export-credentials --format env'
complete -C'aws-signin login --profile dev'`;
    const result = await runProcess("/usr/bin/fish", ["-c", script], {
      ...baseEnv(),
      ...home.env,
      PATH: home.path,
    });
    assert.equal(result.code, 0, result.stderr);
    const words = result.stdout.trimEnd().split("\n").map((l) =>
      l.split("\t")[0]
    );
    assert.deepEqual(words, [
      "configure",
      "console",
      "list-profiles",
      "--all",
      "env",
      "env-no-export",
      "dev",
      "devops",
    ]);
  },
});

Deno.test({
  name: "zsh: the script loads and registers the completion",
  ignore: !has("zsh"),
  async fn() {
    await using home = await completionHome();
    const result = await runProcess(
      "/usr/bin/zsh",
      [
        "-c",
        'source <(aws-signin completion zsh) && print -r -- "${_comps[aws-signin]}"',
      ],
      { ...baseEnv(), ...home.env, PATH: home.path },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /_aws_signin/);
  },
});

Deno.test("powershell: a script that registers a native completer; an unknown shell is a usage error", async () => {
  await using home = await completionHome();
  const ps = await runCliProcess(["completion", "powershell"], home.env);
  assert.equal(ps.code, 0);
  assert.match(ps.stdout, /^# aws-signin completion for PowerShell/);
  assert.match(
    ps.stdout,
    /Register-ArgumentCompleter -Native -CommandName aws-signin/,
  );
  assert.match(
    ps.stdout,
    /'--format' = @\('process', 'env', 'env-no-export', 'powershell', 'windows-cmd', 'fish'\)/,
  );
  const bad = await runCliProcess(["completion", "tcsh"], home.env);
  assert.equal(bad.code, 252);
  assert.match(
    bad.stderr,
    /Unknown shell "tcsh": choose one of bash, zsh, fish, powershell\./,
  );
});

/** Profile names that run a command if a shell expands them, and others a shell must be told are literal. */
const HOSTILE_CONFIG =
  "[profile $(touch${IFS}pwned-1)]\nregion = us-east-1\n\n" +
  "[profile a;touch${IFS}pwned-3]\nregion = us-east-1\n\n" +
  '[profile "it\'s ok"]\nregion = us-east-1\n\n' +
  "[profile *]\nregion = us-east-1\n\n[profile dev]\nregion = us-east-1\n\n" +
  "[profile esc\x1b]0;title\x07]\nregion = us-east-1\n";
const HOSTILE_CREDENTIALS =
  "[`touch pwned-2`]\naws_access_key_id = x\naws_secret_access_key = y\n\n" +
  "[my prof]\naws_access_key_id = x\naws_secret_access_key = y\n\n" +
  "[$HOME]\naws_access_key_id = x\naws_secret_access_key = y\n";
/** What completing `--profile` must offer: every name but the one with control characters, literally. */
const LITERAL = [
  "$(touch${IFS}pwned-1)",
  "a;touch${IFS}pwned-3",
  "it's ok",
  "*",
  "dev",
  "`touch pwned-2`",
  "my prof",
  "$HOME",
];

async function hostileHome() {
  const home = await completionHome();
  await Deno.writeTextFile(home.config, HOSTILE_CONFIG);
  await Deno.writeTextFile(home.credentials, HOSTILE_CREDENTIALS);
  return home;
}

async function nothingRan(dir: string): Promise<void> {
  const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  assert.deepEqual(names.filter((n) => n.startsWith("pwned")), []);
}

Deno.test("configure list-profiles leaves out a name with control characters, and says so", async () => {
  await using home = await hostileHome();
  const result = await runCliProcess(["configure", "list-profiles"], home.env);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, LITERAL.map((n) => `${n}\n`).join(""));
  assert.equal(
    result.stderr,
    'aws-signin: [WARNING]: Left out 1 profile name with control characters: "esc\\x1b]0;title\\x07".\n',
  );
});

Deno.test({
  name:
    "bash: hostile profile names are offered quoted, and completing them runs nothing",
  ignore: !has("bash"),
  async fn() {
    await using home = await hostileHome();
    // Each offered word, read back as the shell reads it when the line runs: the literal name.
    const script = `source <(aws-signin completion bash)
COMP_WORDS=(aws-signin login --profile ''); COMP_CWORD=3; COMPREPLY=()
_aws_signin
for w in "\${COMPREPLY[@]}"; do eval "printf '%s\\\\n' $w"; done
COMP_WORDS=(aws-signin login --profile 'a;'); COMP_CWORD=3; COMPREPLY=()
_aws_signin; echo "\${#COMPREPLY[@]} \${COMPREPLY[0]}"`;
    const result = await runProcess("/usr/bin/bash", ["-c", script], {
      ...baseEnv(),
      ...home.env,
      PATH: home.path,
    }, { cwd: home.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `${
        LITERAL.map((n) => `${n}\n`).join("")
      }1 a\\;touch\\$\\{IFS\\}pwned-3\n`,
    );
    await nothingRan(home.dir);
  },
});

Deno.test({
  name:
    "zsh: hostile profile names reach compadd literally, and completing them runs nothing",
  ignore: !has("zsh"),
  async fn() {
    await using home = await hostileHome();
    // What bashcompinit's _bash_complete hands to compadd (which quotes for the line itself).
    const script = `source <(aws-signin completion zsh)
words=(aws-signin login --profile ''); CURRENT=4
COMP_WORDS=("\${words[@]}"); COMP_CWORD=3
matches=( \${(f)"$(compgen -F _aws_signin -- '')"} )
print -rl -- "\${(Q@)matches}"`;
    const result = await runProcess("/usr/bin/zsh", ["-c", script], {
      ...baseEnv(),
      ...home.env,
      PATH: home.path,
    }, { cwd: home.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, LITERAL.map((n) => `${n}\n`).join(""));
    await nothingRan(home.dir);
  },
});

Deno.test({
  name:
    "fish: hostile profile names are offered literally, and completing them runs nothing",
  ignore: !has("fish"),
  async fn() {
    await using home = await hostileHome();
    const result = await runProcess(
      "/usr/bin/fish",
      [
        "-c",
        `aws-signin completion fish | source\ncomplete -C'aws-signin login --profile '`,
      ],
      { ...baseEnv(), ...home.env, PATH: home.path },
      { cwd: home.dir },
    );
    assert.equal(result.code, 0, result.stderr);
    const offered = result.stdout.trimEnd().split("\n").map((l) =>
      l.split("\t")[0]
    );
    assert.deepEqual(offered.sort(), [...LITERAL].sort());
    await nothingRan(home.dir);
  },
});

Deno.test("powershell: profile names are matched as text and offered single-quoted, never evaluated", async () => {
  await using home = await completionHome();
  const ps = await runCliProcess(["completion", "powershell"], home.env);
  assert.equal(ps.code, 0);
  const block = ps.stdout.slice(
    ps.stdout.indexOf("Register-ArgumentCompleter"),
  );
  assert.doesNotMatch(block, /Invoke-Expression|iex |-like|ExpandString/);
  assert.match(
    ps.stdout,
    /StartsWith\(\$wordToComplete, \[System\.StringComparison\]::Ordinal\)/,
  );
  assert.match(
    ps.stdout,
    /"'" \+ \(\$_ -replace "\['\\u2018-\\u201b\]", '\$0\$0'\) \+ "'"/,
  );
});

/**
 * A PowerShell single-quoted string at the start of `text`, read as
 * PowerShell's tokenizer reads it: ' and U+2018 to U+201B all open and close
 * it, and any of them followed by another stands for the second one.
 *
 * @returns the string's value and what follows it, or undefined when it does not close.
 */
function readPowerShellQuoted(
  text: string,
): { value: string; rest: string } | undefined {
  const quote = /['\u2018-\u201b]/;
  if (!quote.test(text[0] ?? "")) return undefined;
  let value = "";
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (quote.test(c)) {
      if (!quote.test(text[i + 1] ?? "")) {
        return { value, rest: text.slice(i + 1) };
      }
      i++;
      value += text[i];
    } else value += c;
  }
  return undefined;
}

/** Every code point that is a quotation mark, opening or closing punctuation, or looks like a quote. */
const QUOTE_LIKE = (() => {
  const like =
    /[\p{Quotation_Mark}\p{Pi}\p{Pf}`\u00b4\u02b9-\u02bc\u02c8\u2032-\u2037]/u;
  const found: string[] = [];
  for (let c = 0; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (like.test(s)) found.push(s);
  }
  return found;
})();

Deno.test("powershell: every quote-like character in a profile name or a word stays literal (text-level: no pwsh here)", async () => {
  assert.ok(QUOTE_LIKE.length > 30, String(QUOTE_LIKE.length));
  for (
    const c of [
      "'",
      "\u2018",
      "\u2019",
      "\u201a",
      "\u201b",
      '"',
      "\u201c",
      "\u201d",
      "\u201e",
    ]
  ) {
    assert.ok(QUOTE_LIKE.includes(c), c);
  }
  const hostile = QUOTE_LIKE.flatMap((c) => [
    `${c}; touch pwned ${c}`,
    `a${c}${c}b`,
    `${c}`,
    `x${c}`,
  ]);
  // The names offered at run time: the script's own escaping, applied as .NET applies it.
  await using home = await completionHome();
  const ps = await runCliProcess(["completion", "powershell"], home.env);
  assert.equal(ps.code, 0);
  assert.match(
    ps.stdout,
    /^[\t\n\x20-\x7e]*$/,
    "ASCII only, whatever encoding loads it",
  );
  const runtime =
    /\$_ -(c?)notmatch '([^']+)'\) \{ "'" \+ \(\$_ -replace ("[^"]*"|'(?:[^']|'')*'), ("[^"]*"|'(?:[^']|'')*')\) \+ "'" \}/
      .exec(ps.stdout);
  assert.ok(runtime, "the line that quotes a profile name");
  // PowerShell literals to their text ("..." holds no $ here), then .NET's regex and replacement to JS's.
  const literal = (s: string) =>
    s.startsWith('"') ? s.slice(1, -1) : s.slice(1, -1).replaceAll("''", "'");
  const bare = new RegExp(runtime[2]!, runtime[1] ? "u" : "iu");
  const escape = new RegExp(literal(runtime[3]!), "gu");
  const replacement = literal(runtime[4]!).replaceAll("$0", "$$&");
  for (const name of [...hostile, ...LITERAL]) {
    assert.ok(name === "dev" || !bare.test(name), `offered bare: ${name}`);
    const offered = `'${name.replace(escape, replacement)}'`;
    assert.deepEqual(
      readPowerShellQuoted(offered),
      { value: name, rest: "" },
      offered,
    );
  }
  for (const name of ["@splat", "-x", "\u212a"]) { // U+212A, the Kelvin sign: "k" to a case-insensitive match
    assert.ok(!bare.test(name), `offered bare: ${name}`);
  }
  for (const name of ["dev", "dev-2", "a.b", "team/dev", "x@y"]) {
    assert.ok(bare.test(name), name);
  }
  // The words of the script itself (commands, flags, choices), through the same quoting.
  const model = {
    top: hostile.map((w) => [w, "summary"] as const),
    groups: { g: hostile.map((w) => [w, "summary"] as const) },
    flags: { [hostile[0]!]: hostile.map((w) => [w, "help", true] as const) },
    choices: { "--format": hostile },
  };
  const script = powershellScript(model);
  const top = /\$top = @\((.*)\)\n/.exec(script)![1]!;
  let rest = top;
  for (const word of hostile) {
    const read = readPowerShellQuoted(rest);
    assert.ok(read, rest.slice(0, 40));
    assert.equal(read.value, word);
    rest = read.rest.replace(/^, /, "");
  }
  assert.equal(rest, "");
});
