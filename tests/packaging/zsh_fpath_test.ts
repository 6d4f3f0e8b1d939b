/**
 * The zsh completion as packages install it: `_aws-signin` in a folder on
 * `$fpath` (`#compdef aws-signin`), picked up by the user's own compinit,
 * completing on the first Tab without calling compinit itself; and still
 * loadable with `source <(aws-signin completion zsh)`.
 */
import assert from "node:assert/strict";
import { baseEnv, runCliProcess, runProcess, tempHome } from "../helpers.ts";
import { needs } from "./_release.ts";

Deno.test({
  ...needs(
    "zsh: the completion works from an fpath folder (#compdef, no compinit of its own), as the .deb, .rpm and Homebrew install it",
    ["zsh"],
  ),
  async fn() {
    await using home = await tempHome();
    const script = await runCliProcess(["completion", "zsh"], home.env);
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /^#compdef aws-signin\n/);
    const fpath = `${home.dir}/site-functions`;
    await Deno.mkdir(fpath);
    await Deno.writeTextFile(`${fpath}/_aws-signin`, script.stdout);
    // The user's compinit finds it; then a Tab completes commands (compadd stands in for the line
    // editor: it prints what it is offered; narrowing to the typed prefix is compadd's own job).
    const zsh = `fpath=(${fpath} $fpath)
autoload -U compinit && compinit -u -D
print -r -- "registered: \${_comps[aws-signin]}"
compinit() { print -r -- "compinit called again"; }
compadd() { print -r -- "offered: \${(j: :)@:#-}"; }
words=(aws-signin lo); CURRENT=2
_aws-signin
print -r -- "now: \${_comps[aws-signin]}"`;
    const result = await runProcess("zsh", ["-f", "-c", zsh], {
      ...baseEnv(),
      HOME: home.dir,
    }, { cwd: home.dir });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split("\n").filter((l) =>
      !/^offered: -S\s*$/.test(l)
    );
    assert.deepEqual(lines, [
      "registered: _aws-signin",
      "offered: login logout sso configure sts exec serve status console doctor completion emulator",
      "now: _bash_complete -F _aws_signin",
      "",
    ]);
  },
});
