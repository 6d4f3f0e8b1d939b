/**
 * Whole-process timings of `configure export-credentials --format process`
 * from a fresh login cache, in one run and interleaved (these machines are
 * noisy, so only ratios measured together mean anything):
 *
 * - `deno run` of an empty script: the floor for any Deno program;
 * - aws-signin from source (`deno run main.ts`), and from the one-file bundle
 *   when `dist/aws-signin.js` exists (what `deno compile` embeds);
 * - the compiled binary named by `AWS_SIGNIN_BIN`, when set (the release workflow);
 * - `/usr/bin/aws configure export-credentials` on a static-key profile.
 *
 * Goals: aws-signin at most 1.25x the empty script, at least 15x faster than
 * the AWS CLI.
 *
 *   deno task bench [--rounds N]
 */
import { sha256Hex } from "../lib/util/encoding.ts";
import { PERMISSIONS } from "../dev/permissions.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 25;
const SESSION = "arn:aws:iam::111122223333:user/bench";

const home = await Deno.makeTempDir({ prefix: "aws-signin-bench-" });
const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

try {
  await Deno.mkdir(`${home}/.aws/login/cache`, { recursive: true });
  await Deno.writeTextFile(
    `${home}/.aws/config`,
    `[profile bench]\nlogin_session = ${SESSION}\nregion = us-east-1\n\n[profile static]\nregion = us-east-1\n`,
  );
  await Deno.writeTextFile(
    `${home}/.aws/credentials`,
    "[static]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
  );
  await Deno.writeTextFile(
    `${home}/.aws/login/cache/${await sha256Hex(SESSION)}.json`,
    JSON.stringify({
      accessToken: {
        accessKeyId: "ASIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE".repeat(20),
        accountId: "111122223333",
        expiresAt: "2099-01-01T00:00:00Z",
      },
      tokenType: "aws_sigv4",
      clientId: "arn:aws:signin:::devtools/same-device",
      refreshToken: "r",
      dpopKey:
        "-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----\n",
    }),
  );
  await Deno.writeTextFile(`${home}/empty.ts`, "");

  const env = {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    AWS_LOGIN_CACHE_DIRECTORY: `${home}/.aws/login/cache`,
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const deno = Deno.execPath();
  const exportArgs = [
    "configure",
    "export-credentials",
    "--profile",
    "bench",
    "--format",
    "process",
  ];
  const subjects: { name: string; cmd: string; args: string[] }[] = [
    {
      name: "deno run (empty script)",
      cmd: deno,
      args: ["run", "--quiet", `${home}/empty.ts`],
    },
    {
      name: "aws-signin (deno run main.ts)",
      cmd: deno,
      args: [
        "run",
        "--quiet",
        ...PERMISSIONS,
        `${ROOT}/main.ts`,
        ...exportArgs,
      ],
    },
  ];
  if (exists(`${ROOT}/dist/aws-signin.js`)) {
    subjects.push({
      name: "aws-signin (bundle)",
      cmd: deno,
      args: [
        "run",
        "--quiet",
        ...PERMISSIONS,
        `${ROOT}/dist/aws-signin.js`,
        ...exportArgs,
      ],
    });
  }
  const bin = Deno.env.get("AWS_SIGNIN_BIN");
  if (bin) {
    subjects.push({
      name: "aws-signin (compiled binary)",
      cmd: bin,
      args: exportArgs,
    });
  }
  if (exists("/usr/bin/aws")) {
    subjects.push({
      name: "aws configure export-credentials",
      cmd: "/usr/bin/aws",
      args: [
        "configure",
        "export-credentials",
        "--profile",
        "static",
        "--format",
        "process",
      ],
    });
  }

  const once = async (s: typeof subjects[number]): Promise<number> => {
    const start = performance.now();
    const out = await new Deno.Command(s.cmd, {
      args: s.args,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const ms = performance.now() - start;
    if (!out.success) {
      throw new Error(
        `${s.name} failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return ms;
  };

  write(`Warming up (caches, page cache)...\n`);
  for (const s of subjects) for (let i = 0; i < 3; i++) await once(s);
  const times = new Map(subjects.map((s) => [s.name, [] as number[]]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of subjects) times.get(s.name)!.push(await once(s));
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2
      ? s[(s.length - 1) / 2]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  const p90 = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
  write(`\n${ROUNDS} interleaved rounds, whole-process wall time:\n\n`);
  write(
    `  ${"subject".padEnd(36)} ${"median".padStart(9)} ${"p90".padStart(9)}\n`,
  );
  for (const s of subjects) {
    const xs = times.get(s.name)!;
    write(
      `  ${s.name.padEnd(36)} ${median(xs).toFixed(1).padStart(7)}ms ${
        p90(xs).toFixed(1).padStart(7)
      }ms\n`,
    );
  }
  const floor = median(times.get(subjects[0]!.name)!);
  const ours = median(times.get(subjects[1]!.name)!);
  write(
    `\n  aws-signin / empty deno script: ${
      (ours / floor).toFixed(2)
    }x   (goal: at most 1.25x)\n`,
  );
  const bundle = times.get("aws-signin (bundle)");
  if (bundle) {
    write(
      `  bundle / empty deno script:     ${
        (median(bundle) / floor).toFixed(2)
      }x\n`,
    );
  }
  const binary = times.get("aws-signin (compiled binary)");
  if (binary) {
    write(
      `  compiled binary / empty deno script: ${
        (median(binary) / floor).toFixed(2)
      }x\n`,
    );
  }
  const aws = times.get("aws configure export-credentials");
  if (aws) {
    write(
      `  AWS CLI / aws-signin:           ${
        (median(aws) / ours).toFixed(1)
      }x faster   (goal: at least 15x)\n`,
    );
  }
} finally {
  await Deno.remove(home, { recursive: true }).catch(() => {});
}
