/**
 * Promises the code makes about its own shape, checked from the module graph
 * Deno itself resolves (`deno info --json`, from `main.ts`, `lib/program.ts`
 * and every module it loads by path): no import cycles, folders that import
 * in one direction, no oversized module, and a `credential_process` path
 * that loads one generated module, built from a handful of small ones and
 * up to date with them, and never the login, DPoP, emulator or node:crypto
 * code.
 */
import assert from "node:assert/strict";
import { ROOT } from "./helpers.ts";
import { LAZY_MODULES } from "../lib/program.ts";
import { fastPathModule } from "../scripts/build.ts";

interface Edge {
  readonly to: string;
  /** A type-only import (erased at run time). */
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

const ENTRIES = [
  "main.ts",
  "lib/program.ts",
  "lib/commands/export_credentials_fast.ts",
  ...LAZY_MODULES.map((p) => p.slice(2)),
];

/**
 * The project's module graph from every entry (main.ts imports the commands
 * by computed URLs, which `deno info` cannot follow): repository-relative
 * paths (and `node:` built-ins) to their imports.
 */
async function moduleGraph(): Promise<Map<string, Edge[]>> {
  const dir = await Deno.makeTempDir({ prefix: "aws-signin-graph-" });
  const all = `${dir}/all.ts`;
  await Deno.writeTextFile(
    all,
    ENTRIES.map((p) => `import "${new URL(p, `file://${ROOT}/`).href}";\n`)
      .join(""),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", all],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: {
      specifier: string;
      dependencies?: {
        code?: { specifier: string };
        type?: { specifier: string };
        isDynamic?: boolean;
      }[];
    }[];
  };
  const root = new URL(`file://${ROOT}/`).href;
  const name = (specifier: string) =>
    specifier.startsWith(root) ? specifier.slice(root.length) : specifier;
  const graph = new Map<string, Edge[]>();
  for (const module of info.modules) {
    const edges: Edge[] = [];
    for (const dep of module.dependencies ?? []) {
      const target = dep.code ?? dep.type;
      if (!target) continue;
      edges.push({
        to: name(target.specifier),
        typeOnly: dep.code === undefined,
        dynamic: dep.isDynamic ?? false,
      });
    }
    graph.set(name(module.specifier), edges);
  }
  return graph;
}

const ours = (path: string) => path === "main.ts" || path.startsWith("lib/");

/** Everything `from` loads at run time before any dynamic import. */
function staticClosure(graph: Map<string, Edge[]>, from: string): Set<string> {
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const edge of graph.get(queue.pop()!) ?? []) {
      if (edge.typeOnly || edge.dynamic || seen.has(edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

Deno.test("no import cycle between the modules of main.ts and lib/", async () => {
  const graph = await moduleGraph();
  const cycles: string[] = [];
  // Tarjan's strongly connected components over every import (static, dynamic, type-only).
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of graph.get(v) ?? []) {
      if (!ours(to)) continue;
      if (!indices.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(v, Math.min(low.get(v)!, indices.get(to)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort().join(" <-> "));
    }
  };
  for (const module of graph.keys()) {
    if (ours(module) && !indices.has(module)) visit(module);
  }
  assert.deepEqual(cycles, []);
});

// Lower layers never import higher ones: shared helpers at the bottom, commands and main at the top.
const LAYERS = [
  "errors",
  "version",
  "util",
  "error_format",
  "config",
  "endpoints",
  "http",
  "sigv4",
  "signin",
  "sso",
  "sts",
  "cache",
  "credentials",
  "cli",
  "flow",
  "serve",
  "emulator",
  "doctor",
  "commands",
  "program",
  "main",
];

function layerOf(path: string): string | undefined {
  if (path === "main.ts") return "main";
  const m = /^lib\/(?:([^/]+)\/|(\w+)\.ts$)/.exec(path);
  return m ? (m[1] ?? m[2]) : undefined;
}

Deno.test("folders import in one direction only", async () => {
  const graph = await moduleGraph();
  const wrong: string[] = [];
  for (const [from, edges] of graph) {
    const fromLayer = layerOf(from);
    if (!ours(from) || fromLayer === undefined) continue;
    assert.ok(LAYERS.includes(fromLayer), `${from}: add its folder to LAYERS`);
    for (const { to } of edges) {
      const toLayer = layerOf(to);
      if (!ours(to) || toLayer === undefined) continue;
      if (LAYERS.indexOf(toLayer) > LAYERS.indexOf(fromLayer)) {
        wrong.push(`${from} -> ${to}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("every module under lib/ is used and at most 500 lines long", async () => {
  const graph = await moduleGraph();
  const long: string[] = [];
  const unused: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(`${ROOT}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (path.endsWith(".ts") || path.endsWith(".js")) {
        const lines = (await Deno.readTextFile(`${ROOT}/${path}`)).split("\n")
          .length - 1;
        if (lines > 500) long.push(`${path} (${lines} lines)`);
        if (!graph.has(path)) unused.push(path);
      }
    }
  };
  await walk("lib");
  assert.deepEqual({ long, unused }, { long: [], unused: [] });
});

Deno.test("main.ts loads one module before the hot path answers: the generated one, built from small modules", async () => {
  const graph = await moduleGraph();
  const mainCode = (graph.get("main.ts") ?? []).filter((e) =>
    !e.typeOnly && !e.dynamic
  ).map((e) => e.to);
  assert.deepEqual(mainCode, [
    "lib/commands/export_credentials_fast.generated.js",
  ]);
  const hot = staticClosure(graph, "lib/commands/export_credentials_fast.ts");
  // The closure is real: it holds the modules the hot path does use.
  for (
    const used of [
      "lib/config/quick_config.ts",
      "lib/cache/login_cache.ts",
      "lib/cache/role_cache.ts",
      "lib/credentials/format.ts",
    ]
  ) assert.ok(hot.has(used), `${used} is on the hot path`);
  // Neither the full parser, nor the command machinery, nor anything that
  // refreshes, calls out or starts a process; nothing from npm or node:.
  const forbidden = [...hot].filter((m) =>
    m === "lib/config/ini.ts" || m === "lib/config/profiles.ts" ||
    m === "lib/credentials/chain.ts" ||
    m === "lib/credentials/process_provider.ts" ||
    m === "lib/credentials/login_refresh.ts" ||
    m === "lib/credentials/role_refresh.ts" ||
    m.startsWith("lib/cli/") ||
    (m.startsWith("lib/commands/") &&
      m !== "lib/commands/export_credentials_fast.ts") ||
    /^lib\/(flow|emulator|signin|sts|sigv4|http|serve)\//.test(m) ||
    m.startsWith("node:") || m.startsWith("npm:")
  );
  assert.deepEqual(forbidden, []);
  assert.ok(hot.size <= 25, `${hot.size} modules on the hot path`);
});

Deno.test("the generated hot path is up to date with its sources (else: deno task generate)", async () => {
  const committed = await Deno.readTextFile(
    `${ROOT}/lib/commands/export_credentials_fast.generated.js`,
  );
  assert.ok(
    committed === await fastPathModule(),
    "lib/commands/export_credentials_fast.generated.js is out of date: run `deno task generate`",
  );
});

Deno.test("configure export-credentials loads no login, DPoP, emulator or node:crypto code before a refresh is due", async () => {
  const graph = await moduleGraph();
  const loaded = new Set([
    ...staticClosure(graph, "main.ts"),
    ...staticClosure(graph, "lib/program.ts"),
    ...staticClosure(graph, "lib/commands/export_credentials.ts"),
  ]);
  // The closure is real: it holds the modules the export does use.
  for (
    const used of [
      "lib/credentials/chain.ts",
      "lib/cache/login_cache.ts",
      "lib/credentials/format.ts",
    ]
  ) assert.ok(loaded.has(used), `${used} is on the path`);
  const forbidden = [...loaded].filter((m) =>
    m.startsWith("lib/flow/") || m.startsWith("lib/emulator/") ||
    m === "lib/commands/login.ts" || m === "lib/signin/dpop.ts" ||
    m === "lib/signin/token_client.ts" ||
    m === "lib/credentials/login_refresh.ts" || m === "lib/cli/help.ts" ||
    m === "node:crypto"
  );
  assert.deepEqual(forbidden, []);
});

Deno.test("a role profile with a fresh role cache loads no STS, SigV4, login refresh or DPoP code", async () => {
  const graph = await moduleGraph();
  const loaded = staticClosure(graph, "lib/credentials/role_provider.ts");
  assert.ok(loaded.has("lib/cache/role_cache.ts"), "the role cache is read");
  const forbidden = [...loaded].filter((m) =>
    m === "lib/credentials/role_refresh.ts" ||
    m === "lib/credentials/login_refresh.ts" ||
    m.startsWith("lib/sts/") || m.startsWith("lib/sigv4/") ||
    m === "lib/signin/dpop.ts" || m === "node:crypto"
  );
  assert.deepEqual(forbidden, []);
});
