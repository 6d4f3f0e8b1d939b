// aws-signin's npm postinstall, and the lookup the launcher shares.
//
// The binary comes in the one platform package npm installed beside this one
// (@aws-signin/<os>-<cpu>, chosen by its os, cpu and libc fields). On Linux
// and macOS this puts that binary itself where package.json's "bin" points,
// so the aws-signin on PATH starts no Node at all (a credential_process runs
// many times a minute). On Windows npm's shims run bin/aws-signin with Node:
// the launcher stays, and starts the .exe.
"use strict";

const fs = require("node:fs");
const path = require("node:path");

/** The platform package's name for this machine. */
function platformPackage() {
  return `@aws-signin/${process.platform}-${process.arch}`;
}

/** The native binary's path, or an Error that says what to do instead. */
function binaryPath() {
  const name = platformPackage();
  const exe = process.platform === "win32" ? "aws-signin.exe" : "aws-signin";
  try {
    return path.join(
      path.dirname(require.resolve(`${name}/package.json`)),
      "bin",
      exe,
    );
  } catch {
    return new Error(
      `aws-signin: npm installed no binary for ${process.platform}-${process.arch} (${name}): ` +
        "it needs Linux with glibc 2.27 or newer, macOS or Windows on x64 or arm64, and npm must not omit optional " +
        "dependencies; otherwise install with install.sh, Homebrew or the container image " +
        "(see the README's Install section).",
    );
  }
}

/** Replaces bin/aws-signin with the binary (a hard link, else a copy), renamed into place. */
function install() {
  if (process.platform === "win32") return;
  const binary = binaryPath();
  if (binary instanceof Error) {
    process.stderr.write(`${binary.message}\n`);
    return;
  }
  const target = path.join(__dirname, "bin", "aws-signin");
  const temp = `${target}.${process.pid}.tmp`;
  try {
    try {
      fs.linkSync(binary, temp);
    } catch {
      fs.copyFileSync(binary, temp);
    }
    fs.chmodSync(temp, 0o755);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    process.stderr.write(
      `aws-signin: could not put the binary in place (${error.message}); the Node launcher will start it instead.\n`,
    );
  }
}

module.exports = { binaryPath, platformPackage };
if (require.main === module) install();
