/**
 * Hardening II, 3: connection floods. `serve`, `exec --server`, the login
 * callback (on 0.0.0.0) and the emulator, each run with `ulimit -n 256`,
 * take 300 idle connections and 1,200 half-sent requests: they keep running
 * (accept errors survived), close every one of those connections within
 * seconds (head deadline, connection cap), and answer a real request once
 * the flood is over; `exec` still returns its command's exit code.
 */
import { cookieJar } from "../../dev/cookie_jar.ts";
import assert from "node:assert/strict";
import { spawnCli } from "../../dev/interactive.ts";
import { startEmulator } from "../../lib/emulator/server.ts";
import {
  DEMO_SESSION,
  eventually,
  loginThrough,
  readOrNull,
  standInBrowser,
  tempHome,
} from "../helpers.ts";
import { needs } from "../_platform.ts";

const encoder = new TextEncoder();

/** Opens `idle` silent connections and `halfSent` with a request head that never ends. */
async function flood(
  port: number,
  idle: number,
  halfSent: number,
): Promise<Deno.Conn[]> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < idle + halfSent; i++) {
    let conn: Deno.Conn;
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port });
    } catch {
      continue; // the server's queue is full: the flood is as big as it gets
    }
    if (i >= idle) {
      await conn.write(
        encoder.encode("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n"),
      ).catch(() => {});
    }
    conns.push(conn);
  }
  return conns;
}

/** How many of the connections the server has not closed after `timeoutMs`; then closes them all. */
async function openAfter(
  conns: Deno.Conn[],
  timeoutMs: number,
): Promise<number> {
  let open = conns.length;
  const ended = conns.map((c) =>
    c.read(new Uint8Array(4096)).then(() => {}, () => {}).finally(() => open--)
  );
  await eventually(() => open === 0, timeoutMs);
  const left = open;
  for (const c of conns) {
    try {
      c.close();
    } catch { /* closed */ }
  }
  await Promise.all(ended);
  return left;
}

/** SIGTERM, unless it already ended (a crash the assertions report). */
function stop(proc: { kill(signal: Deno.Signal): void }): void {
  try {
    proc.kill("SIGTERM");
  } catch { /* already gone */ }
}

const FLOOD = { idle: 300, halfSent: 1200 };

Deno.test(
  needs(
    "signals",
    "serve survives 300 idle and 1,200 half-sent connections under ulimit -n 256, and answers again",
  ),
  async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    await loginThrough(server.url, home);
    const proc = spawnCli(["serve", "--profile", "dev"], {
      ...home.env,
      AWS_ENDPOINT_URL_SIGNIN: server.url,
    }, { fdLimit: 256 });
    try {
      const [, url, token] = await proc.waitForStdout(
        /FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n/,
      );
      const port = Number(new URL(url!).port);
      const conns = await flood(port, FLOOD.idle, FLOOD.halfSent);
      assert.ok(conns.length > 1000, `${conns.length} connections`);
      assert.equal(
        await openAfter(conns, 20_000),
        0,
        "every flood connection closed",
      );
      const response = await fetch(url!, {
        headers: { authorization: token! },
      });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.match(body.AccessKeyId, /^ASIA/);
    } finally {
      stop(proc);
      const result = await proc.finish();
      assert.equal(result.code, 0, result.stderr);
    }
  },
);

Deno.test(
  needs(
    "signals",
    "exec --server survives the flood; its command gets credentials afterwards and exec returns its exit code",
  ),
  async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    await loginThrough(server.url, home);
    const info = `${home.dir}/info`;
    const go = `${home.dir}/go`;
    const proc = spawnCli(
      [
        "exec",
        "--profile",
        "dev",
        "--server",
        "--",
        "sh",
        "-c",
        `echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI $AWS_CONTAINER_AUTHORIZATION_TOKEN" > "$0.tmp" && mv "$0.tmp" "$0"
       while [ ! -f "$1" ]; do sleep 0.05; done; exit 7`,
        info,
        go,
      ],
      { ...home.env, AWS_ENDPOINT_URL_SIGNIN: server.url },
      { fdLimit: 256 },
    );
    try {
      assert.ok(
        await eventually(async () => (await readOrNull(info)) !== null),
      );
      const [url, token] = (await Deno.readTextFile(info)).trim().split(" ");
      const conns = await flood(
        Number(new URL(url!).port),
        FLOOD.idle,
        FLOOD.halfSent,
      );
      assert.equal(
        await openAfter(conns, 20_000),
        0,
        "every flood connection closed",
      );
      const response = await fetch(url!, {
        headers: { authorization: token! },
      });
      assert.equal(response.status, 200);
      assert.match((await response.json()).AccessKeyId, /^ASIA/);
    } finally {
      await Deno.writeTextFile(go, "");
    }
    const result = await proc.finish();
    assert.equal(result.code, 7, result.stderr);
  },
);

Deno.test(
  needs(
    "signals",
    "the login callback on 0.0.0.0 survives the flood and the login completes",
  ),
  async () => {
    await using server = await startEmulator({ autoApprove: true });
    await using home = await tempHome();
    const record = `${home.dir}/url.txt`;
    const proc = spawnCli([
      "login",
      "--region",
      "us-east-1",
      "--endpoint-url",
      server.url,
      "--callback-host",
      "0.0.0.0",
    ], {
      ...home.env,
      BROWSER: standInBrowser("record"),
      BROWSER_RECORD: record,
    }, { fdLimit: 256 });
    assert.ok(
      await eventually(async () => (await readOrNull(record)) !== null),
    );
    // The browser opens the one-time link: it leads to the sign-in URL and sets the callback's cookie.
    const jar = cookieJar();
    const link = await fetch((await readOrNull(record))!, {
      redirect: "manual",
    });
    jar.take(link);
    await link.body?.cancel();
    const authorize = new URL(link.headers.get("location")!);
    const callback = new URL(authorize.searchParams.get("redirect_uri")!);
    const conns = await flood(
      Number(callback.port),
      FLOOD.idle,
      FLOOD.halfSent,
    );
    assert.equal(
      await openAfter(conns, 20_000),
      0,
      "every flood connection closed",
    );
    const approved = await fetch(authorize, { redirect: "manual" });
    await approved.body?.cancel();
    const back = approved.headers.get("location")!;
    const done = await fetch(back, { headers: jar.headers(back) });
    assert.equal(done.status, 200);
    await done.body?.cancel();
    const result = await proc.finish();
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      await Deno.readTextFile(home.config),
      new RegExp(`login_session = ${DEMO_SESSION}`),
    );
  },
);

Deno.test(
  needs(
    "signals",
    "the emulator survives the flood and answers its control API again",
  ),
  async () => {
    const proc = spawnCli(["emulator", "--port", "0"], {}, { fdLimit: 256 });
    try {
      const [, url] = await proc.waitForStdout(/(http:\/\/127\.0\.0\.1:\d+)/);
      const conns = await flood(
        Number(new URL(url!).port),
        FLOOD.idle,
        FLOOD.halfSent,
      );
      assert.equal(
        await openAfter(conns, 20_000),
        0,
        "every flood connection closed",
      );
      const response = await fetch(`${url}/_emulator/requests`);
      assert.equal(response.status, 200);
      assert.ok(Array.isArray(await response.json()));
    } finally {
      stop(proc);
      await proc.finish();
    }
  },
);
