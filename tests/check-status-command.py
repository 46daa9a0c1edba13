# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the `supportlogic-connect --status` command line: it prints the report
without loading GTK, libadwaita or WebKit (so it is fast, light and needs no
display), prints valid JSON, and rejects arguments it does not take."""

import json
import os
import subprocess
import sys

APP = os.environ["SL_APP"]
count = 0
failed = 0


def check(condition, description, detail=""):
    global count, failed
    count += 1
    print(f"{'ok' if condition else 'not ok'} {count} - {description}", flush=True)
    if not condition:
        failed += 1
        for line in str(detail).splitlines():
            print(f"# {line}", flush=True)


def run(*args, **env_extra):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(env_extra)
    return subprocess.run([APP, *args], capture_output=True, text=True, env=env, timeout=30)


def main():
    result = run("--status", "--json", LD_DEBUG="libs")
    check(result.returncode == 0, "--status --json exits 0 without a display", result.stderr)
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        document = None
    check(isinstance(document, dict) and set(document) == {"integration", "user"},
          "--status --json prints one object keyed by slot", result.stdout)
    loaded = [line for line in result.stderr.splitlines() if "calling init:" in line]
    heavy = [line for line in loaded
             if any(name in line for name in ("libgtk-4", "libadwaita", "libwebkitgtk"))]
    check(loaded and not heavy, "--status loads no GTK, libadwaita or WebKit library",
          "\n".join(heavy) or "no library list from the dynamic loader")

    result = run("--json")
    check(result.returncode == 1 and "--status" in result.stderr,
          "--json without --status is refused", result.stderr)
    result = run("--status", "extra")
    check(result.returncode == 1 and "extra" in result.stderr,
          "an unexpected argument after --status is named", result.stderr)
    result = run("--status", "--no-such-option")
    check(result.returncode == 1 and "no-such-option" in result.stderr,
          "an unknown option is named", result.stderr)

    print(f"1..{count}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
