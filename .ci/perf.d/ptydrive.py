#!/usr/bin/env python3
"""Drive a terminal program in a pseudo-terminal and time what appears on its screen.

Used by .ci/perf. The program runs in a fresh pty of the given size (TERM=xterm-256color); its
output is fed to a vt100 emulator (pyte, Debian's python3-pyte) and the steps run in order:

  expect=TEXT      wait until the emulated screen shows TEXT (on one row); record the time
  expect-re=REGEX  the same with a regular expression, matched against each row
  send=KEYS        type KEYS (Python escapes allowed, e.g. send=\\x03 for ctrl+c)
  sleep=SECONDS    keep reading for a while
  hwm              record the peak resident memory (VmHWM) of the program and its children

A recorded time is seconds from just before the program was started (fork + exec included) to
the moment the pty delivered the bytes after which the screen first showed the text. Output is
read and timestamped before it is emulated, and reading always goes first, so the emulator's own
speed does not shift the times by more than one chunk's worth.

Without pyte (--raw, or when it is not installed) the text is looked for in the output stream
with escape sequences removed: good enough for a first frame, which is drawn whole, but cells
a later frame leaves unchanged are not rewritten, so screens are not reconstructed.

After the steps, the program gets --quit (default "q") and --grace seconds to exit, then
SIGTERM, then SIGKILL. A JSON report goes to standard output:
  {"ok": true, "mode": "pyte", "times": [...], "hwm": [...], "exit": 0, "error": ""}
"""

import argparse
import codecs
import fcntl
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

try:
    import pyte
except ImportError:  # the raw mode still works
    pyte = None

ANSI = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[ -/]*[0-~])")


class Screen:
    """What the program has drawn so far, as rows of text."""

    def __init__(self, cols, rows, raw):
        self.raw = raw or pyte is None
        self.mode = "raw" if self.raw else "pyte"
        self.buf = b""
        if not self.raw:
            self.screen = pyte.Screen(cols, rows)
            self.stream = pyte.ByteStream(self.screen)

    def feed(self, data):
        if self.raw:
            self.buf = (self.buf + data)[-(1 << 20):]
        else:
            self.stream.feed(data)

    def rows(self):
        if self.raw:
            text = ANSI.sub(b"", self.buf).decode("utf-8", "replace")
            return text.replace("\r", "\n").split("\n")
        return self.screen.display

    def dump(self):
        return "\n".join(r.rstrip() for r in self.rows()[-200:])


def parse_step(s):
    if s == "hwm":
        return ("hwm", None)
    kind, sep, arg = s.partition("=")
    if not sep or kind not in ("expect", "expect-re", "send", "sleep"):
        raise SystemExit("ptydrive: bad step %r" % s)
    if kind == "send":
        arg = codecs.decode(arg, "unicode_escape").encode("utf-8")
    elif kind == "expect-re":
        arg = re.compile(arg)
    elif kind == "sleep":
        arg = float(arg)
    return (kind, arg)


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, task)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def hwm(pid):
    found = []
    for p in descendants(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                st = dict(line.split(":", 1) for line in f if ":" in line)
            found.append({"pid": p, "comm": st["Name"].strip(), "vmhwm_kb": int(st["VmHWM"].split()[0])})
        except (OSError, KeyError, ValueError):
            pass
    return found


class Driver:
    def __init__(self, args):
        self.args = args
        self.chunks = []  # (time, bytes) read but not yet emulated
        self.screen = Screen(args.cols, args.rows, args.raw)
        self.closed = False
        self.last = None  # time of the last chunk emulated

    def start(self):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.args.rows, self.args.cols, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(self.args.cols), LINES=str(self.args.rows))
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            self.args.cmd, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
            start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.master = master

    def now(self):
        return time.monotonic() - self.t0

    def read_ready(self, timeout):
        """Read whatever the pty has within timeout; False once the program closed it."""
        if self.closed:
            time.sleep(timeout)
            return False
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every slave end is closed
            data = b""
        if not data:
            self.closed = True
            return False
        self.chunks.append((self.now(), data))
        return True

    def wait_for(self, match, timeout):
        """Emulate output until match(rows) holds; return the time of the chunk that did it."""
        if self.last is not None and match(self.screen.rows()):
            return self.last
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while self.chunks:
                # Take (and timestamp) whatever is waiting before spending time emulating.
                while not self.closed and select.select([self.master], [], [], 0)[0]:
                    self.read_ready(0)
                t, data = self.chunks.pop(0)
                self.screen.feed(data)
                self.last = t
                if match(self.screen.rows()):
                    return t
            if self.closed:
                return None
            self.read_ready(0.005)
        return None

    def drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.closed:
            self.read_ready(0.01)
        for _, data in self.chunks:
            self.screen.feed(data)
        self.chunks = []

    def stop(self):
        if not self.closed and self.args.quit:
            os.write(self.master, codecs.decode(self.args.quit, "unicode_escape").encode("utf-8"))
        end = time.monotonic() + self.args.grace
        while self.proc.poll() is None and time.monotonic() < end:
            self.read_ready(0.01)
        killed = None
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self.proc.poll() is not None:
                break
            killed = sig.name
            self.proc.send_signal(sig)
            t = time.monotonic() + 2
            while self.proc.poll() is None and time.monotonic() < t:
                self.read_ready(0.01)
        self.proc.wait()
        os.close(self.master)
        return self.proc.returncode, killed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--timeout", type=float, default=15, help="seconds each expect step may take")
    ap.add_argument("--raw", action="store_true", help="search the escape-stripped stream, no emulator")
    ap.add_argument("--quit", default="q", help="keys that end the program after the steps")
    ap.add_argument("--grace", type=float, default=5, help="seconds to exit after --quit")
    ap.add_argument("--dump", help="write the final screen to this file")
    ap.add_argument("steps", nargs="*")
    argv = sys.argv[1:]
    if "--" not in argv:
        ap.error("usage: ptydrive.py [options] step... -- command [args...]")
    i = argv.index("--")
    args = ap.parse_args(argv[:i])
    args.cmd = argv[i + 1:]
    steps = [parse_step(s) for s in args.steps]

    d = Driver(args)
    d.start()
    report = {"ok": True, "mode": d.screen.mode, "times": [], "hwm": [], "error": ""}
    for kind, arg in steps:
        if kind == "send":
            os.write(d.master, arg)
        elif kind == "sleep":
            d.drain(arg)
        elif kind == "hwm":
            report["hwm"] = hwm(d.proc.pid)
        else:
            if kind == "expect":
                match = lambda rows, s=arg: any(s in r for r in rows)
            else:
                match = lambda rows, rx=arg: any(rx.search(r) for r in rows)
            t = d.wait_for(match, args.timeout)
            if t is None:
                what = arg if kind == "expect" else arg.pattern
                report["ok"] = False
                report["error"] = "%r did not appear within %gs%s" % (
                    what, args.timeout, " (the program closed the terminal)" if d.closed else "")
                break
            report["times"].append(round(t, 6))
    d.drain(0)
    if args.dump:
        with open(args.dump, "w") as f:
            f.write(d.screen.dump() + "\n")
    report["exit"], report["killed"] = d.stop()
    if not report["ok"]:
        sys.stderr.write("ptydrive: %s; the screen was:\n%s\n" % (report["error"], d.screen.dump()))
    print(json.dumps(report))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
