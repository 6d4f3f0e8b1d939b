/**
 * A churn of empty connections, for the flood tests: `deno run -A _churn.ts
 * PORT MS` opens connections to 127.0.0.1:PORT from 64 loops for MS
 * milliseconds, each held 6 s and never sent anything, then prints how many.
 */
const port = Number(Deno.args[0]);
const end = Date.now() + Number(Deno.args[1]);
let opened = 0;
const loop = async () => {
  while (Date.now() < end) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      opened++;
      setTimeout(() => {
        try {
          conn.close();
        } catch { /* closed by the server */ }
      }, 6_000);
    } catch {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
};
await Promise.all(Array.from({ length: 64 }, loop));
Deno.stdout.writeSync(new TextEncoder().encode(`opened ${opened}\n`));
Deno.exit(0);
