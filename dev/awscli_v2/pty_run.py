"""Runs a command in a pseudo-terminal and answers its prompts, like a person would.

Part of aws-signin's development harness (dev/awscli_v2): it drives the AWS
CLI's `aws configure sso` (prompt_toolkit prompts and menus need a real
terminal) so tests can compare what it writes with aws-signin's.

    python3 pty_run.py STEPS_JSON TIMEOUT_SECONDS -- COMMAND [ARG...]

STEPS_JSON is a list of {"expect": REGEX, "send": TEXT}: each waits (up to
the timeout) until the screen text so far, with terminal escape sequences
removed, matches REGEX after the previous match, then types TEXT. (Spaces at
the end of a prompt are drawn as cursor moves, so REGEX should not end in
one.) After the
last step it waits for the command to exit. Prints one JSON object: the exit
code, the raw output (escapes kept), the plain output, and which step timed
out (if one did). The terminal's cursor position queries are answered, as a
terminal emulator does, or prompt_toolkit would wait for them.
"""

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

# CSI and OSC sequences, and the single-character escapes prompt_toolkit emits.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
_CURSOR_QUERY = b"\x1b[6n"


def plain(text):
    return _ESCAPES.sub("", text).replace("\r", "")


def main():
    steps = json.loads(sys.argv[1])
    timeout = float(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A terminal of 40 rows and 120 columns (a new pty has none, and menus need room).
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    raw = b""
    consumed = 0  # how much of the plain text earlier steps matched
    failed = None

    def read_some(until):
        nonlocal raw
        ready, _, _ = select.select([fd], [], [], max(0.0, min(0.1, until - time.monotonic())))
        if not ready:
            return True
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False  # the child closed the terminal
        if not chunk:
            return False
        for _ in range(chunk.count(_CURSOR_QUERY)):
            os.write(fd, b"\x1b[1;1R")
        raw += chunk
        return True

    alive = True
    for index, step in enumerate(steps):
        pattern = re.compile(step["expect"])
        deadline = time.monotonic() + timeout
        while True:
            text = plain(raw.decode("utf-8", "replace"))
            match = pattern.search(text, consumed)
            if match:
                consumed = match.end()
                break
            if not alive or time.monotonic() > deadline:
                failed = {"step": index, "expect": step["expect"]}
                break
            alive = read_some(deadline)
        if failed:
            break
        time.sleep(0.05)
        os.write(fd, step["send"].encode("utf-8"))
    deadline = time.monotonic() + timeout
    code = None
    while code is None:
        if alive:
            alive = read_some(deadline)
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
        elif time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            code = -9
            failed = failed or {"step": len(steps), "expect": "exit"}
    while alive:
        alive = read_some(time.monotonic() + 0.2) and select.select([fd], [], [], 0.2)[0] != []
    os.close(fd)
    output = raw.decode("utf-8", "replace")
    json.dump({"code": code, "raw": output, "plain": plain(output), "failed": failed}, sys.stdout)


if __name__ == "__main__":
    main()
