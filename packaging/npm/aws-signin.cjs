#!/usr/bin/env node
// Starts the native aws-signin. npm's postinstall (install.cjs) replaces this
// file with the binary itself on Linux and macOS; this runs only where that
// could not happen (Windows, or npm install --ignore-scripts).
"use strict";

const { spawnSync } = require("node:child_process");
const { binaryPath } = require("../install.cjs");

const binary = binaryPath();
if (binary instanceof Error) {
  process.stderr.write(`${binary.message}\n`);
  process.exit(1);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  process.stderr.write(
    `aws-signin: could not start ${binary}: ${result.error.message}\n`,
  );
  process.exit(1);
}
if (result.signal) process.kill(process.pid, result.signal);
process.exit(result.status ?? 1);
