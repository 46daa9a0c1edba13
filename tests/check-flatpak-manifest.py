#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the Flatpak manifest against the project and print TAP.

    check-flatpak-manifest.py SOURCE-ROOT [MANIFEST]
    check-flatpak-manifest.py --self-test SOURCE-ROOT

MANIFEST defaults to SOURCE-ROOT/flatpak/com.supportlogic.Connect.json.
The checks: the file is strict JSON, it names the right application,
command, runtime and SDK, its finish-args are exactly the minimal set, and
the meson module that builds this project passes the same project options
as the native build. The native build's options are the defaults in
meson_options.txt plus any -D option that build-aux/test, build-aux/demo or
.ci/run passes. The one intended difference is e2e_tests=false, because the
end-to-end tests need Xvfb and gnome-keyring, which the SDK does not ship.

With --self-test, each check runs on copies of the manifest with one known
mistake added and must report it.

Exits 1 when any check fails.
"""

import copy
import json
import re
import sys
from pathlib import Path

APP_ID = "com.supportlogic.Connect"
COMMAND = "supportlogic-connect"
RUNTIME = "org.gnome.Platform"
SDK = "org.gnome.Sdk"
FINISH_ARGS = [
    "--share=network",
    "--share=ipc",
    "--socket=wayland",
    "--socket=fallback-x11",
    "--device=dri",
]
# Project options whose Flatpak value differs from the native build on
# purpose, with the value the manifest must pass.
SANDBOX_OVERRIDES = {"e2e_tests": "false"}
NATIVE_SCRIPTS = ["build-aux/test", "build-aux/demo", ".ci/run"]

OPTION_RE = re.compile(r"option\s*\(\s*'([^']+)'(.*?)\)\s*$", re.S | re.M)
VALUE_RE = re.compile(r"\bvalue\s*:\s*('(?:[^'\\]|\\.)*'|true|false|-?\d+)")
DEFINE_RE = re.compile(r"(?<![\w-])-D\s*([A-Za-z_][\w.:-]*)=([^\s)\"']*)")


class Report:
    """TAP writer: one line per check, one diagnostic line per problem."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, name, problems):
        self.count += 1
        if problems:
            self.failed += 1
            print(f"not ok {self.count} - {name}")
            for problem in problems:
                print(f"# {problem}")
        else:
            print(f"ok {self.count} - {name}")

    def finish(self):
        print(f"1..{self.count}")
        return 1 if self.failed else 0


def read_project_options(source_root):
    """Parse meson_options.txt into {name: default as a -D string}."""
    text = (source_root / "meson_options.txt").read_text(encoding="utf-8")
    options = {}
    for match in OPTION_RE.finditer(text):
        name, rest = match.group(1), match.group(2)
        value = VALUE_RE.search(rest)
        if value is None:
            options[name] = None
            continue
        literal = value.group(1)
        if literal.startswith("'"):
            literal = literal[1:-1]
        options[name] = literal
    return options


def read_native_defines(source_root):
    """Collect the -D options that the native build scripts pass."""
    defines = {}
    for relative in NATIVE_SCRIPTS:
        path = source_root / relative
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            for name, value in DEFINE_RE.findall(line):
                defines[name] = value
    return defines


def find_project_module(manifest):
    """Return the module built from the local checkout, or None."""
    pending = list(manifest.get("modules", []))
    while pending:
        module = pending.pop(0)
        if not isinstance(module, dict):
            continue
        for source in module.get("sources", []):
            if (isinstance(source, dict) and source.get("type") == "dir"
                    and source.get("path") == ".."):
                return module
        pending.extend(module.get("modules", []))
    return None


def check_identity(manifest):
    problems = []
    app_id = manifest.get("id", manifest.get("app-id"))
    if app_id != APP_ID:
        problems.append(f"id is {app_id!r}, expected {APP_ID!r}")
    if "id" in manifest and "app-id" in manifest:
        problems.append("both id and app-id are set; keep only id")
    if manifest.get("command") != COMMAND:
        problems.append(f"command is {manifest.get('command')!r}, "
                        f"expected {COMMAND!r}")
    return problems


def check_runtime(manifest):
    problems = []
    if manifest.get("runtime") != RUNTIME:
        problems.append(f"runtime is {manifest.get('runtime')!r}, "
                        f"expected {RUNTIME!r}")
    if manifest.get("sdk") != SDK:
        problems.append(f"sdk is {manifest.get('sdk')!r}, expected {SDK!r}")
    version = manifest.get("runtime-version")
    if not isinstance(version, str) or not version.isdigit():
        problems.append(f"runtime-version is {version!r}, expected a stable "
                        "GNOME release number such as \"51\"")
    return problems


def check_finish_args(manifest):
    args = manifest.get("finish-args")
    if not isinstance(args, list):
        return ["finish-args is missing or not a list"]

    problems = []
    for arg in args:
        if not isinstance(arg, str):
            problems.append(f"finish-args holds a non-string {arg!r}")
        elif arg.startswith(("--filesystem", "--persist")):
            problems.append(f"{arg}: no file system access is needed")
        elif "org.freedesktop.secrets" in arg:
            problems.append(f"{arg}: secrets go through the Secret portal")
        elif arg in ("--socket=session-bus", "--socket=system-bus"):
            problems.append(f"{arg}: full bus access defeats the sandbox")
        elif re.match(r"--(system-)?(talk|own)-name=.*\*", arg):
            problems.append(f"{arg}: bus name wildcards are not allowed")
    for extra in [arg for arg in args if arg not in FINISH_ARGS]:
        problems.append(f"unexpected finish-arg {extra!r}")
    for missing in [arg for arg in FINISH_ARGS if arg not in args]:
        problems.append(f"missing finish-arg {missing!r}")
    if len(args) != len(set(map(str, args))):
        problems.append("finish-args lists an argument twice")
    return problems


def parse_config_opts(module):
    """Split config-opts into ({name: value}, [problems])."""
    defines = {}
    problems = []
    for entry in module.get("config-opts", []):
        match = re.fullmatch(r"-D([A-Za-z_][\w.:-]*)=(.*)", str(entry))
        if match is None:
            problems.append(f"config-opts entry {entry!r} is not -DNAME=VALUE")
            continue
        defines[match.group(1)] = match.group(2)
    return defines, problems


def check_meson_module(manifest, source_root):
    module = find_project_module(manifest)
    if module is None:
        return ['no module builds the local checkout ("type": "dir", '
                '"path": "..")']
    if module.get("buildsystem") != "meson":
        return [f"buildsystem is {module.get('buildsystem')!r}, "
                "expected 'meson'"]

    options = read_project_options(source_root)
    native = read_native_defines(source_root)
    flatpak, problems = parse_config_opts(module)

    for name in flatpak:
        if name not in options:
            problems.append(f"-D{name} is not an option in meson_options.txt")
    for name, default in options.items():
        expected = SANDBOX_OVERRIDES.get(name, native.get(name, default))
        actual = flatpak.get(name, default)
        if actual != expected:
            problems.append(f"-D{name}={actual} differs from the native "
                            f"build's {expected}")
    return problems


def set_config_opts(config_opts):
    def mutate(manifest):
        find_project_module(manifest)["config-opts"] = config_opts
    return mutate


def add_finish_arg(arg):
    return lambda manifest: manifest["finish-args"].append(arg)


# (name, check, mutation): each mutation must make its check fail.
MISTAKES = [
    ("wrong id", check_identity,
     lambda m: m.update({"id": "com.example.Other"})),
    ("wrong command", check_identity, lambda m: m.update({"command": "sh"})),
    ("Freedesktop runtime", check_runtime,
     lambda m: m.update({"runtime": "org.freedesktop.Platform"})),
    ("missing sdk", check_runtime, lambda m: m.pop("sdk")),
    ("branch runtime-version", check_runtime,
     lambda m: m.update({"runtime-version": "master"})),
    ("home access", check_finish_args, add_finish_arg("--filesystem=home")),
    ("secrets talk-name", check_finish_args,
     add_finish_arg("--talk-name=org.freedesktop.secrets")),
    ("session bus", check_finish_args,
     add_finish_arg("--socket=session-bus")),
    ("talk-name wildcard", check_finish_args,
     add_finish_arg("--talk-name=org.freedesktop.*")),
    ("missing wayland", check_finish_args,
     lambda m: m["finish-args"].remove("--socket=wayland")),
    ("unknown option", None, set_config_opts(["-Dno_such_option=true",
                                       "-De2e_tests=false"])),
    ("end-to-end tests on", None, set_config_opts(["-De2e_tests=true"])),
    ("other client id", None, set_config_opts(["-Dclient_id=Other",
                                        "-De2e_tests=false"])),
    ("not -DNAME=VALUE", None, set_config_opts(["--buildtype=debug",
                                         "-De2e_tests=false"])),
    ("no local module", None, lambda m: m.update({"modules": []})),
]


def self_test(source_root):
    """Check that every mistake in MISTAKES is caught."""
    path = source_root / "flatpak" / f"{APP_ID}.json"
    with open(path, encoding="utf-8") as stream:
        manifest = json.load(stream)

    report = Report()
    for name, check, mutate in MISTAKES:
        broken = copy.deepcopy(manifest)
        mutate(broken)
        if check is None:
            problems = check_meson_module(broken, source_root)
        else:
            problems = check(broken)
        report.check(f"catches {name}",
                     [] if problems else ["the check reported nothing"])
    return report.finish()


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(Path(argv[2]))
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    source_root = Path(argv[1])
    manifest_path = (Path(argv[2]) if len(argv) == 3 else
                     source_root / "flatpak" / f"{APP_ID}.json")

    report = Report()
    try:
        with open(manifest_path, encoding="utf-8") as stream:
            manifest = json.load(stream)
    except (OSError, ValueError) as error:
        report.check("manifest is valid JSON", [f"{manifest_path}: {error}"])
        return report.finish()
    if not isinstance(manifest, dict):
        report.check("manifest is valid JSON", ["top level is not an object"])
        return report.finish()

    report.check("manifest is valid JSON", [])
    report.check("application id and command", check_identity(manifest))
    report.check("GNOME runtime and SDK", check_runtime(manifest))
    report.check("minimal finish-args", check_finish_args(manifest))
    report.check("meson options match the native build",
                 check_meson_module(manifest, source_root))
    return report.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
