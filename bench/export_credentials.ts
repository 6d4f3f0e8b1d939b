/**
 * `deno task bench [--rounds N]`: whole-process wall time and peak memory of
 * `configure export-credentials --format process` from fresh caches, every
 * subject run once per round, interleaved, in one run (these machines are
 * noisy: only ratios measured together mean anything). Reports medians, and
 * each subject's ratio to the floor of its kind (the median of the ratios of
 * the two runs of each round):
 *
 * - `deno run` of an empty script: the floor for any Deno program, and a
 *   six-line script doing the export's work (the reference);
 * - the same empty script run from this repository (`bench/empty.ts`), where
 *   Deno reads `deno.json` and `deno.lock` before running anything: the
 *   runtime's own share of running from source, printed as a second floor
 *   for the `main.ts` subjects;
 * - aws-signin from source (`deno run main.ts`) and from the one-file bundle
 *   (built afresh by `deno task bundle` into a folder of its own, where it
 *   runs as users run it), each for a login profile, a `credential_process`
 *   profile whose command is aws-signin's own export of that login profile,
 *   and a role profile with a fresh role cache;
 * - the compiled binary named by `AWS_SIGNIN_BIN` against the compiled empty
 *   program named by `AWS_SIGNIN_EMPTY_BIN` (the release workflow sets both);
 * - the AWS CLI (`aws configure export-credentials`, static keys), when installed;
 * - `doctor --all --offline` from source, for its ratio (no goal).
 *
 * Goals: each aws-signin subject at most 1.15x its floor and at most 6 MiB
 * above its peak memory; the AWS CLI at least 15x slower. Where the time
 * and the memory go, measured: `bench/README.md`. Memory needs
 * Python with `os.wait4` (`dev/measure.py`); without it, only times.
 *
 * @module
 */
import { sha256Hex } from "../lib/util/encoding.ts";
import { buildSharedConfig } from "../lib/config/profiles.ts";
import { resolveProfile } from "../lib/config/selection.ts";
import { roleChain } from "../lib/credentials/role_config.ts";
import {
  roleCacheFile,
  roleCacheKey,
  ssoRoleCacheKey,
} from "../lib/cache/role_cache.ts";
import {
  writeRoleCache,
  writeSsoRoleCache,
} from "../lib/cache/role_cache_write.ts";
import {
  ssoCacheDir,
  ssoTokenFile,
  ssoTokenJson,
  ssoTokenKey,
  writeSsoCacheFile,
} from "../lib/cache/sso_token_cache.ts";
import { PERMISSIONS } from "../dev/permissions.ts";
import { baseEnv, pathOfUrl } from "../dev/process.ts";

const ROOT = pathOfUrl(new URL("..", import.meta.url)).replace(/\/$/, "");
const roundsArg = Deno.args.indexOf("--rounds");
const ROUNDS = roundsArg >= 0 ? Number(Deno.args[roundsArg + 1]) : 31;
const SESSION = "arn:aws:iam::111122223333:user/bench";
const GOAL_RATIO = 1.15;
const GOAL_MEMORY_MIB = 6;

const write = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

interface Subject {
  readonly name: string;
  readonly argv: string[];
  readonly cwd?: string;
  /** The subject this one is compared against. */
  readonly floor?: string;
  /** A goal applies (aws-signin's own subjects). */
  readonly goal?: boolean;
  /** A second floor, reported beside the first (the source form: the project's empty program). */
  readonly projectFloor?: string;
}

interface Result {
  readonly name: string;
  readonly ms: number[];
  readonly maxrss_kib: number[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? s[(s.length - 1) / 2]!
    : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const CONFIG = `[profile bench]
login_session = ${SESSION}
region = us-east-1

[profile via-process]
credential_process = aws-signin configure export-credentials --profile bench
region = us-east-1

[profile role]
role_arn = arn:aws:iam::444455556666:role/Bench
source_profile = bench
region = us-east-1

[profile static]
region = us-east-1

[profile sso]
sso_session = bench-sso
sso_account_id = 111122223333
sso_role_name = Bench
region = us-east-1

[sso-session bench-sso]
sso_start_url = https://d-1234567890.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
`;

/** The AWS CLI's login cache entry and botocore's role cache entry, both fresh. */
async function writeCaches(home: string): Promise<void> {
  await Deno.mkdir(`${home}/.aws/login/cache`, { recursive: true });
  await Deno.mkdir(`${home}/.aws/cli/cache`, { recursive: true });
  await Deno.writeTextFile(`${home}/.aws/config`, CONFIG);
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
  const shared = buildSharedConfig(`${home}/.aws/config`, CONFIG, "", null);
  const now = Date.now();
  const role = roleChain(
    resolveProfile(shared, { name: "role", source: "flag" }),
    now,
  )[0]!;
  await writeRoleCache(
    roleCacheFile(`${home}/.aws/cli/cache`, await roleCacheKey(role.args)),
    {
      accessKeyId: "ASIAROLEEXAMPLE00001",
      secretAccessKey: "roleSecretEXAMPLEKEY",
      sessionToken: "IQoJroleEXAMPLE".repeat(20),
      expiresAtMs: now + 3600_000,
      accountId: "444455556666",
      assumedRoleId: "AROAEXAMPLE:bench",
      arn: "arn:aws:sts::444455556666:assumed-role/Bench/bench",
      requestId: "00000000-0000-0000-0000-000000000000",
    },
  );
  // The session's token, so that doctor finds the SSO profile signed in.
  await writeSsoCacheFile(
    ssoTokenFile(
      ssoCacheDir({ HOME: home }),
      await ssoTokenKey({
        sessionName: "bench-sso",
        startUrl: "https://d-1234567890.awsapps.com/start",
      }),
    ),
    ssoTokenJson({
      startUrl: "https://d-1234567890.awsapps.com/start",
      region: "us-east-1",
      accessToken: "bench-access-token",
      expiresAtMs: now + 3600_000,
      clientId: "bench-client",
      clientSecret: "bench-secret",
      registrationExpiresAt: now + 90 * 86400_000,
      refreshToken: "bench-refresh",
    }),
    () => {},
  );
  // The role credentials the AWS CLI's SSO provider caches (the token is not read while they are fresh).
  await writeSsoRoleCache(
    roleCacheFile(
      `${home}/.aws/cli/cache`,
      await ssoRoleCacheKey({
        accountId: "111122223333",
        roleName: "Bench",
        sessionName: "bench-sso",
        startUrl: "https://d-1234567890.awsapps.com/start",
      }),
    ),
    {
      accessKeyId: "ASIASSOEXAMPLE000001",
      secretAccessKey: "ssoSecretEXAMPLEKEY",
      sessionToken: "IQoJssoEXAMPLE".repeat(20),
      expirationMs: now + 3600_000,
      accountId: "111122223333",
    },
  );
}

/** Builds the one-file bundle (`deno task bundle`) into a folder of its own, where it runs as users run it. */
async function buildBundle(dir: string): Promise<string> {
  write("Building the bundle (deno task bundle)...\n");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "bundle", "--output", `${dir}/aws-signin.js`],
    cwd: ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("deno task bundle failed");
  return `${dir}/aws-signin.js`;
}

function subjects(home: string, bundle: string): Subject[] {
  const deno = Deno.execPath();
  const run = (file: string) => [deno, "run", "--quiet", ...PERMISSIONS, file];
  const exportOf = (profile: string, ...more: string[]) => [
    "configure",
    "export-credentials",
    "--profile",
    profile,
    "--format",
    "process",
    ...more,
  ];
  const list: Subject[] = [
    {
      name: "deno run empty.ts",
      argv: [deno, "run", "--quiet", `${home}/empty.ts`],
    },
    {
      name: "deno run empty.ts in the repository",
      argv: [deno, "run", "--quiet", `${ROOT}/bench/empty.ts`],
      cwd: ROOT,
      floor: "deno run empty.ts",
    },
    {
      name: "deno run six-line export",
      argv: [...run(`${home}/six.ts`)],
      floor: "deno run empty.ts",
    },
  ];
  const kinds = [
    ["login", "bench", []],
    ["login --auto-login", "bench", ["--auto-login"]],
    ["credential_process -> login", "via-process", []],
    ["role (fresh role cache)", "role", []],
    ["sso (fresh role credentials)", "sso", []],
  ] as const;
  for (
    const [what, file, cwd] of [
      ["main.ts", `${ROOT}/main.ts`, ROOT],
      ["bundle", bundle, home],
    ] as const
  ) {
    for (const [kind, profile, more] of kinds) {
      list.push({
        name: `${what}: ${kind}`,
        argv: [...run(file), ...exportOf(profile, ...more)],
        cwd,
        floor: "deno run empty.ts",
        goal: true,
        ...(what === "main.ts"
          ? { projectFloor: "deno run empty.ts in the repository" }
          : {}),
      });
    }
  }
  // doctor offline: every check but the network's, reported against the same floor (no goal: "well under a second").
  list.push({
    name: "main.ts: doctor --all --offline",
    argv: [...run(`${ROOT}/main.ts`), "doctor", "--all", "--offline"],
    cwd: ROOT,
    floor: "deno run empty.ts",
  });
  const bin = Deno.env.get("AWS_SIGNIN_BIN");
  const emptyBin = Deno.env.get("AWS_SIGNIN_EMPTY_BIN");
  if (emptyBin) list.push({ name: "compiled empty program", argv: [emptyBin] });
  if (bin) {
    for (const [kind, profile, more] of kinds) {
      list.push({
        name: `binary: ${kind}`,
        argv: [bin, ...exportOf(profile, ...more)],
        ...(emptyBin ? { floor: "compiled empty program", goal: true } : {}),
      });
    }
  }
  if (exists("/usr/bin/aws")) {
    list.push({
      name: "aws configure export-credentials",
      argv: ["/usr/bin/aws", ...exportOf("static")],
    });
  }
  return list;
}

/** Interleaved rounds through `dev/measure.py` (times and memory), or times alone from here. */
async function measure(
  list: Subject[],
  env: Record<string, string>,
): Promise<Result[]> {
  const job = JSON.stringify({
    rounds: ROUNDS,
    warmup: 3,
    env,
    subjects: list,
  });
  try {
    const child = new Deno.Command("python3", {
      args: [`${ROOT}/dev/measure.py`],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(job));
    await writer.close();
    const out = await child.output();
    if (out.success) {
      return new TextDecoder().decode(out.stdout).trim().split("\n").map((
        line,
      ) => JSON.parse(line) as Result);
    }
    throw new Error("dev/measure.py failed (see above)");
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  write("(python3 not found: times only, no memory figures)\n");
  const times = new Map(list.map((s) => [s.name, [] as number[]]));
  const once = async (s: Subject) => {
    const start = performance.now();
    const out = await new Deno.Command(s.argv[0]!, {
      args: s.argv.slice(1),
      env,
      clearEnv: true,
      ...(s.cwd ? { cwd: s.cwd } : {}),
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `${s.name} failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return performance.now() - start;
  };
  for (let r = 0; r < 3; r++) for (const s of list) await once(s);
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of list) times.get(s.name)!.push(await once(s));
  }
  return list.map((s) => ({
    name: s.name,
    ms: times.get(s.name)!,
    maxrss_kib: [],
  }));
}

/** Checks once that every aws-signin subject prints the expected credentials. */
async function check(list: Subject[], env: Record<string, string>) {
  for (const s of list.filter((s) => s.goal)) {
    const out = await new Deno.Command(s.argv[0]!, {
      args: s.argv.slice(1),
      env,
      clearEnv: true,
      ...(s.cwd ? { cwd: s.cwd } : {}),
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success || !/"AccessKeyId": "ASIA/.test(text)) {
      throw new Error(
        `${s.name} did not print credentials: ${
          new TextDecoder().decode(out.stderr)
        }`,
      );
    }
  }
}

function report(list: Subject[], results: Result[]): void {
  const byName = new Map(results.map((r) => [r.name, r]));
  const mib = (kib: number[]) => kib.length ? median(kib) / 1024 : NaN;
  write(
    `\n${ROUNDS} interleaved rounds, whole processes, medians:\n\n` +
      `  ${"subject".padEnd(38)} ${"wall".padStart(8)} ${"ratio".padStart(6)} ${
        "memory".padStart(9)
      } ${"+memory".padStart(9)}  goals (time, memory)\n`,
  );
  let timeMissed = 0;
  let memoryMissed = 0;
  for (const s of list) {
    const r = byName.get(s.name)!;
    const floor = s.floor ? byName.get(s.floor) : undefined;
    // Paired: each round's time over the floor's in the same round, then the
    // median (steadier than a ratio of medians when the machine drifts).
    const ratio = floor ? median(r.ms.map((ms, i) => ms / floor.ms[i]!)) : NaN;
    const extra = floor ? mib(r.maxrss_kib) - mib(floor.maxrss_kib) : NaN;
    const timeMet = ratio <= GOAL_RATIO;
    const memoryMet = Number.isNaN(extra) || extra <= GOAL_MEMORY_MIB;
    if (s.goal && !timeMet) timeMissed++;
    if (s.goal && !memoryMet) memoryMissed++;
    write(
      `  ${s.name.padEnd(38)} ${median(r.ms).toFixed(1).padStart(6)}ms ${
        floor ? `${ratio.toFixed(2)}x`.padStart(6) : "".padStart(6)
      } ${
        Number.isNaN(mib(r.maxrss_kib))
          ? "".padStart(9)
          : `${mib(r.maxrss_kib).toFixed(1)}MiB`.padStart(9)
      } ${
        Number.isNaN(extra)
          ? "".padStart(9)
          : `${extra >= 0 ? "+" : ""}${extra.toFixed(1)}MiB`.padStart(9)
      }  ${
        s.goal
          ? `${timeMet ? "met" : "MISSED"}, ${
            Number.isNaN(extra) ? "-" : memoryMet ? "met" : "MISSED"
          }`
          : ""
      }\n`,
    );
  }
  write(
    `\n  Goal for aws-signin: at most ${GOAL_RATIO}x the floor and at most +${GOAL_MEMORY_MIB} MiB ` +
      `(floor: ${
        list.some((s) => s.floor === "compiled empty program")
          ? "deno run empty.ts; compiled empty program for the binary"
          : "deno run empty.ts"
      }): time ${timeMissed === 0 ? "met" : `missed ${timeMissed} times`}, ` +
      `memory ${
        memoryMissed === 0 ? "met" : `missed ${memoryMissed} times`
      }.\n`,
  );
  const sourced = list.filter((s) => s.projectFloor);
  if (sourced.length > 0) {
    write(
      `\n  From source, against the empty program run from this repository ` +
        `(Deno reads deno.json and deno.lock before any code runs):\n`,
    );
    for (const s of sourced) {
      const r = byName.get(s.name)!;
      const floor = byName.get(s.projectFloor!)!;
      const ratio = median(r.ms.map((ms, i) => ms / floor.ms[i]!));
      const extra = mib(r.maxrss_kib) - mib(floor.maxrss_kib);
      write(
        `  ${s.name.padEnd(38)} ${`${ratio.toFixed(2)}x`.padStart(15)} ${
          Number.isNaN(extra)
            ? "".padStart(19)
            : `${extra >= 0 ? "+" : ""}${extra.toFixed(1)}MiB`.padStart(19)
        }  ${ratio <= GOAL_RATIO ? "met" : "MISSED"}, ${
          Number.isNaN(extra)
            ? "-"
            : extra <= GOAL_MEMORY_MIB
            ? "met"
            : "MISSED"
        }\n`,
      );
    }
  }
  const aws = byName.get("aws configure export-credentials");
  const ours = byName.get("main.ts: login");
  if (aws && ours) {
    write(
      `  AWS CLI / aws-signin (main.ts, login): ${
        (median(aws.ms) / median(ours.ms)).toFixed(1)
      }x   (goal: at least 15x)\n`,
    );
  }
}

const home = await Deno.makeTempDir({ prefix: "aws-signin-bench-" });
try {
  await writeCaches(home);
  await Deno.writeTextFile(`${home}/empty.ts`, "");
  // The export's work in six lines: the reference for what the path costs.
  await Deno.writeTextFile(
    `${home}/six.ts`,
    `const cfg = Deno.readTextFileSync(Deno.env.get("AWS_CONFIG_FILE")!);
const s = /login_session = (.*)/.exec(cfg)![1]!;
const h = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s)))).map((b) => b.toString(16).padStart(2, "0")).join("");
const e = JSON.parse(Deno.readTextFileSync(\`\${Deno.env.get("AWS_LOGIN_CACHE_DIRECTORY")}/\${h}.json\`)).accessToken;
Deno.stdout.writeSync(new TextEncoder().encode(JSON.stringify({ Version: 1, AccessKeyId: e.accessKeyId, SecretAccessKey: e.secretAccessKey, SessionToken: e.sessionToken, Expiration: e.expiresAt }, null, 2) + "\\n"));
`,
  );
  const bundle = await buildBundle(`${home}/bundle`);
  const env: Record<string, string> = {
    ...baseEnv(),
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: `${home}/.aws/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/.aws/credentials`,
    AWS_LOGIN_CACHE_DIRECTORY: `${home}/.aws/login/cache`,
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const list = subjects(home, bundle);
  await check(list, env);
  write(`Measuring ${list.length} subjects, ${ROUNDS} rounds...\n`);
  report(list, await measure(list, env));
} finally {
  await Deno.remove(home, { recursive: true }).catch(() => {});
}
