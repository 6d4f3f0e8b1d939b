import assert from "node:assert/strict";
import { browserCommands, openBrowser } from "../../lib/flow/browser.ts";
import { sshWithoutDisplay } from "../../lib/util/desktop.ts";

const URL = "https://example.test/v1/authorize?a=1&b=2";

Deno.test("BROWSER: a :-separated list; %s is replaced, otherwise the URL is appended", () => {
  assert.deepEqual(
    browserCommands(
      URL,
      { BROWSER: "firefox --new-tab %s:'my browser' -x" },
      "linux",
    ),
    [
      ["firefox", "--new-tab", URL],
      ["my browser", "-x", URL],
      ["xdg-open", URL],
    ],
  );
});

Deno.test("platform openers", () => {
  assert.deepEqual(browserCommands(URL, {}, "darwin"), [["open", URL]]);
  assert.deepEqual(browserCommands(URL, {}, "windows"), [[
    "rundll32",
    "url.dll,FileProtocolHandler",
    URL,
  ]]);
  assert.deepEqual(browserCommands(URL, {}, "linux", true), [
    ["wslview", URL],
    [
      "cmd.exe",
      "/c",
      "start",
      '""',
      "https://example.test/v1/authorize?a=1^&b=2",
    ],
  ]);
  assert.deepEqual(browserCommands(URL, {}, "linux"), [["xdg-open", URL]]);
});

Deno.test("openers are tried in order until one works; none working is not an error", async () => {
  const tried: string[] = [];
  const used = await openBrowser(URL, {
    env: { BROWSER: "a:b" },
    os: "linux",
    wsl: false,
    launcher: (argv) => {
      tried.push(argv[0]!);
      return Promise.resolve(argv[0] === "b");
    },
  });
  assert.deepEqual(tried, ["a", "b"]);
  assert.deepEqual(used, ["b", URL]);
  const none = await openBrowser(URL, {
    env: {},
    os: "linux",
    wsl: false,
    launcher: () => Promise.resolve(false),
  });
  assert.equal(none, undefined);
});

Deno.test("an opener that failed after its browser took the one-time link ends the search: no second opener opens it again", async () => {
  let taken = false;
  const tried: string[] = [];
  const used = await openBrowser(URL, {
    env: { BROWSER: "a:b" },
    os: "linux",
    wsl: false,
    opened: () => taken,
    launcher: (argv) => {
      tried.push(argv[0]!);
      taken = true; // it opened the link, then exited with an error (as wslview may)
      return Promise.resolve(false);
    },
  });
  assert.deepEqual(tried, ["a"]);
  assert.deepEqual(used, ["a", URL]);
});

Deno.test("an SSH session without a display is detected", () => {
  assert.equal(sshWithoutDisplay({ SSH_CONNECTION: "1 2 3 4" }, "linux"), true);
  assert.equal(
    sshWithoutDisplay({ SSH_TTY: "/dev/pts/0", DISPLAY: ":0" }, "linux"),
    false,
  );
  assert.equal(sshWithoutDisplay({}, "linux"), false);
  assert.equal(sshWithoutDisplay({ SSH_CONNECTION: "x" }, "darwin"), false);
});
