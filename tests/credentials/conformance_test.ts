/**
 * The AWS SDKs' cross-SDK suite for the login credential provider
 * (tests/fixtures/conformance/login-provider-test-cases.json, with its source
 * and licence in the README beside it), run against our
 * provider with the clock fixed at 2025-11-19T00:00:00Z and the token calls
 * answered from each case's mockApiCalls.
 */
import assert from "node:assert/strict";
import { buildSharedConfig } from "../../lib/config/profiles.ts";
import { resolveProfile } from "../../lib/config/selection.ts";
import { realSleep } from "../../lib/util/sleep.ts";
import { resolveCredentials } from "../../lib/credentials/chain.ts";
import { ROOT, tempHome } from "../helpers.ts";

const SUITE =
  `${ROOT}/tests/fixtures/conformance/login-provider-test-cases.json`;

interface Case {
  documentation: string;
  configContents: string;
  cacheContents: Record<string, unknown>;
  mockApiCalls?: {
    request: { tokenInput: unknown };
    response?: { tokenOutput: unknown };
    responseCode?: number;
  }[];
  outcomes: ({ result: string } & Record<string, unknown>)[];
}

const NOW = Date.parse("2025-11-19T00:00:00Z");

Deno.test({
  name: "the cross-SDK login provider conformance suite passes",
  async fn(t) {
    const cases: Case[] = JSON.parse(await Deno.readTextFile(SUITE));
    assert.ok(cases.length >= 8);
    for (const c of cases) {
      await t.step(c.documentation, async () => {
        await using home = await tempHome();
        await Deno.mkdir(home.cache, { recursive: true });
        for (const [name, content] of Object.entries(c.cacheContents)) {
          await Deno.writeTextFile(
            `${home.cache}/${name}`,
            JSON.stringify(content),
          );
        }
        const calls = [...(c.mockApiCalls ?? [])];
        const seen: unknown[] = [];
        const mockFetch =
          ((_url: string | URL | Request, init?: RequestInit) => {
            const call = calls.shift();
            assert.ok(call, "an unexpected CreateOAuth2Token call");
            assert.ok(
              new Headers(init?.headers).get("dpop"),
              "a DPoP proof is sent",
            );
            const body = JSON.parse(String(init?.body));
            seen.push(body);
            assert.deepEqual(body, call.request.tokenInput);
            if (call.responseCode !== undefined) {
              return Promise.resolve(
                new Response(
                  JSON.stringify({ error: "INVALID_REQUEST", message: "mock" }),
                  { status: call.responseCode },
                ),
              );
            }
            return Promise.resolve(
              new Response(JSON.stringify(call.response!.tokenOutput), {
                status: 200,
              }),
            );
          }) as typeof fetch;
        const shared = buildSharedConfig(
          "config",
          c.configContents,
          "credentials",
          null,
        );
        let result: Awaited<ReturnType<typeof resolveCredentials>> | Error;
        try {
          result = await resolveCredentials({
            profile: resolveProfile(shared, { name: "signin", source: "flag" }),
            env: { ...home.env, AWS_REGION: "us-east-1" },
            now: () => NOW,
            debug: () => {},
            warn: () => {},
            fetch: mockFetch,
            sleep: realSleep,
          });
        } catch (error) {
          result = error as Error;
        }
        for (const outcome of c.outcomes) {
          if (outcome.result === "error") {
            assert.ok(
              result instanceof Error,
              `expected an error, got ${JSON.stringify(result)}`,
            );
          } else if (outcome.result === "credentials") {
            assert.ok(result && !(result instanceof Error), String(result));
            assert.equal(result.accessKeyId, outcome.accessKeyId);
            assert.equal(result.secretAccessKey, outcome.secretAccessKey);
            assert.equal(result.sessionToken, outcome.sessionToken);
            assert.equal(result.accountId, outcome.accountId);
            assert.equal(
              result.expiration,
              Date.parse(outcome.expiresAt as string),
            );
          } else if (outcome.result === "cacheContents") {
            for (const [name, expected] of Object.entries(outcome)) {
              if (name === "result") continue;
              const actual = JSON.parse(
                await Deno.readTextFile(`${home.cache}/${name}`),
              );
              // As upstream: compare everything but expiresAt (the suite's two outcomes disagree on its hour).
              delete actual.accessToken.expiresAt;
              const want = structuredClone(expected) as {
                accessToken: Record<string, unknown>;
              };
              delete want.accessToken.expiresAt;
              assert.deepEqual(actual, want);
            }
          } else {
            throw new Error(`unknown outcome ${outcome.result}`);
          }
        }
        assert.equal(calls.length, 0, "every expected call was made");
      });
    }
  },
});
