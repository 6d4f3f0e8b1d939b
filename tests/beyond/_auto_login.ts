/**
 * What the `--auto-login` tests share: a home whose session the emulator
 * ended, the environment with a stand-in browser that counts its starts,
 * and the counts the tests compare.
 */
import assert from "node:assert/strict";
import {
  loginThrough,
  readOrNull,
  standInBrowser,
  type TempHome,
  tempHome,
} from "../helpers.ts";

/** Ends every session at the emulator. */
export async function revoke(url: string): Promise<void> {
  const r = await fetch(`${url}/_emulator/revoke`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  assert.equal(r.status, 200);
  await r.body?.cancel();
}

/** A home signed in through the emulator, whose session the emulator then ends and whose entry is due. */
export async function endedSession(
  server: { url: string },
): Promise<{ home: TempHome; file: string; old: string }> {
  const home = await tempHome();
  const file = await loginThrough(server.url, home);
  await Deno.writeTextFile(
    home.config,
    `${await Deno.readTextFile(home.config)}region = us-east-1\n`,
  );
  const aged = JSON.parse(await Deno.readTextFile(file));
  aged.accessToken.expiresAt = new Date(Date.now() - 60_000).toISOString()
    .replace(/\.\d+Z$/, "Z");
  await Deno.writeTextFile(file, JSON.stringify(aged));
  await revoke(server.url);
  return { home, file, old: aged.accessToken.accessKeyId as string };
}

/** The environment of a command against the emulator, with a stand-in browser that approves and counts. */
export function env(
  home: TempHome,
  server: { url: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...home.env,
    AWS_ENDPOINT_URL_SIGNIN: server.url,
    AWS_ENDPOINT_URL_STS: server.url,
    BROWSER: standInBrowser("approve"),
    BROWSER_COUNT: `${home.dir}/browser-count`,
    ...extra,
  };
}

/** How many times the stand-in browser was started. */
export async function browserOpenings(home: TempHome): Promise<number> {
  return ((await readOrNull(`${home.dir}/browser-count`)) ?? "").split("\n")
    .filter((l) => l !== "").length;
}

/** Successful authorization-code exchanges the emulator answered. */
export function codeExchanges(
  server: {
    emulator: {
      requests: readonly {
        operation: string;
        grantType?: string;
        status: number;
      }[];
    };
  },
): number {
  return server.emulator.requests.filter((r) =>
    r.operation === "CreateOAuth2Token" &&
    r.grantType === "authorization_code" && r.status === 200
  ).length;
}

/** Moves the times in the sign-in marker beside `entry` back by `ms` (a cool-down that has passed). */
export async function ageMarker(entry: string, ms: number): Promise<void> {
  const path = `${entry}.sign-in`;
  const marker = JSON.parse(await Deno.readTextFile(path));
  for (const k of ["started", "until", "ended"]) {
    if (typeof marker[k] === "number") marker[k] -= ms;
  }
  await Deno.writeTextFile(path, JSON.stringify(marker));
}
