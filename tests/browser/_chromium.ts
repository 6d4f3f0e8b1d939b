/**
 * What the browser tests share: headless Chromium (Debian's, as CI installs
 * it) in a throwaway profile, screenshots kept in test-output/browser, and a
 * BROWSER for aws-signin that hands the URL it was given to the test.
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { shlexQuote } from "../../lib/util/shlex.ts";
import { readOrNull, ROOT } from "../helpers.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const SHOTS = `${ROOT}/test-output/browser`;

/** Runs `fn` with a page of a fresh headless Chromium. */
export async function withBrowser(
  fn: (page: Page) => Promise<void>,
): Promise<void> {
  const profile = await Deno.makeTempDir({ prefix: "aws-signin-chromium-" });
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 900, height: 760 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await fn(page);
  } finally {
    await context?.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Keeps a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** BROWSER for the login: hands the URL to the test through a file. */
export function recordingBrowser(file: string): Record<string, string> {
  return {
    BROWSER: `${shlexQuote(Deno.execPath())} run --quiet -A ${
      shlexQuote(`${ROOT}/tests/flow/_browser.ts`)
    } record %s`,
    BROWSER_RECORD: file,
  };
}

/** The file's text once it exists and is not empty (15 s at most). */
export async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const text = await readOrNull(path);
    if (text) return text;
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
