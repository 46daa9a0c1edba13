#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check po/POTFILES.in and the translations against the sources; print TAP.

    check-potfiles.py SOURCE-ROOT
    check-potfiles.py --self-test SOURCE-ROOT

The checks:
- every file under app/ and data/ that contains translatable strings is
  listed in po/POTFILES.in. In C that is a call to _(), N_(), C_(), NC_()
  or ngettext(); in GtkBuilder files a translatable="yes" property; in a
  .desktop.in file a Name, GenericName, Comment or Keywords key; in a
  .metainfo.xml.in file a name, summary, p, li or caption element without
  translate="no"; in a .gschema.xml.in file a summary or description.
- every file that po/POTFILES.in names exists.
- every language in po/LINGUAS has a po/LANG.po that `msgfmt --check`
  accepts, and every po/*.po is listed in po/LINGUAS, because meson builds
  only the languages listed there.

With --self-test, each check runs on a small made-up tree with one known
mistake and must report it.

Exits 1 when any check fails.
"""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SCANNED_FOLDERS = ["app", "data"]

C_MARKER_RE = re.compile(r"(?<![\w])(?:_|N_|C_|NC_)\s*\(|ngettext\s*\(")
UI_MARKER_RE = re.compile(r"""translatable\s*=\s*["'](?:yes|true|1)["']""", re.I)
DESKTOP_MARKER_RE = re.compile(r"^(?:Name|GenericName|Comment|Keywords)\s*=", re.M)
METAINFO_ELEMENT_RE = re.compile(r"<(name|summary|p|li|caption)(\s[^>]*)?>")
TRANSLATE_NO_RE = re.compile(r"""translate\s*=\s*["']no["']""")
GSCHEMA_MARKER_RE = re.compile(r"<(?:summary|description)[\s>]")


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


def has_metainfo_strings(text):
    """Return whether a metainfo file has an element that gettext extracts."""
    for match in METAINFO_ELEMENT_RE.finditer(text):
        attributes = match.group(2) or ""
        if not TRANSLATE_NO_RE.search(attributes):
            return True
    return False


def has_translatable_strings(path):
    """Return whether the file at path contains strings for translators.

    Files of other kinds (meson.build, icons, D-Bus service files) return
    False.
    """
    name = path.name
    if name.endswith((".c", ".h")):
        return bool(C_MARKER_RE.search(path.read_text(encoding="utf-8")))
    if name.endswith(".ui"):
        return bool(UI_MARKER_RE.search(path.read_text(encoding="utf-8")))
    if name.endswith(".desktop.in"):
        return bool(DESKTOP_MARKER_RE.search(path.read_text(encoding="utf-8")))
    if name.endswith(".metainfo.xml.in"):
        return has_metainfo_strings(path.read_text(encoding="utf-8"))
    if name.endswith(".gschema.xml.in"):
        return bool(GSCHEMA_MARKER_RE.search(path.read_text(encoding="utf-8")))
    return False


def read_list(path):
    """Return the entries of a POTFILES.in or LINGUAS file, without comments."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        entries.extend(line.split())
    return entries


def find_missing_entries(source_root, listed):
    """Return a problem for each file with strings that POTFILES.in leaves out."""
    problems = []
    for folder in SCANNED_FOLDERS:
        for path in sorted((source_root / folder).rglob("*")):
            relative = path.relative_to(source_root).as_posix()
            if path.is_file() and relative not in listed and has_translatable_strings(path):
                problems.append(f"{relative} contains translatable strings "
                                "but is missing from po/POTFILES.in")
    return problems


def find_stale_entries(source_root, listed):
    """Return a problem for each POTFILES.in entry that is not a file."""
    return [f"po/POTFILES.in names {entry}, which does not exist"
            for entry in listed if not (source_root / entry).is_file()]


def check_translations(source_root):
    """Return the problems of po/LINGUAS and the .po files it lists."""
    po_dir = source_root / "po"
    languages = read_list(po_dir / "LINGUAS")
    problems = [f"po/{path.name} exists but its language is missing from po/LINGUAS"
                for path in sorted(po_dir.glob("*.po")) if path.stem not in languages]
    for language in languages:
        po_file = po_dir / f"{language}.po"
        if not po_file.is_file():
            problems.append(f"po/LINGUAS lists {language}, but po/{language}.po is missing")
            continue
        result = subprocess.run(["msgfmt", "--check", "--output-file=/dev/null", str(po_file)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"msgfmt --check failed on po/{language}.po:")
            problems.extend(result.stderr.splitlines())
    return problems


def run_checks(source_root, report):
    """Run every check on the tree at source_root."""
    listed = set(read_list(source_root / "po" / "POTFILES.in"))
    report.check("POTFILES.in lists every file with translatable strings",
                 find_missing_entries(source_root, listed))
    report.check("POTFILES.in names only existing files",
                 find_stale_entries(source_root, listed))
    report.check("every language in LINGUAS has a valid .po file",
                 check_translations(source_root))


GOOD_PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#, c-format
msgid "Could not start %s"
msgstr "%s konnte nicht gestartet werden"
"""

# A tree on which every check passes, as path: text pairs.
GOOD_TREE = {
    "po/POTFILES.in": "# comment\napp/main.c\ndata/ui/window.ui\n",
    "po/LINGUAS": "de\n",
    "po/de.po": GOOD_PO,
    "app/main.c": 'puts (_("Hello"));\n',
    "app/quiet.c": "int under_score_(void);\n",
    "data/ui/window.ui": '<property name="title" translatable="yes">Hi</property>\n',
    "data/app.service.in": "Name=@APP_ID@\n",
}
# Each case is a name, the files of a made-up tree (path: text) and the
# index of the check that must fail. Each tree is GOOD_TREE with the
# files of the case added or replaced.
SELF_TEST_CASES = [
    ("unlisted C file", {"app/other.c": 'puts (C_("menu", "Open"));\n'}, 0),
    ("unlisted ngettext call", {"app/plural.c": "ngettext (\"a\", \"b\", n);\n"}, 0),
    ("unlisted .ui file", {"data/ui/extra.ui": '<object translatable="yes"/>\n'}, 0),
    ("unlisted desktop file", {"data/app.desktop.in": "[Desktop Entry]\nName=App\n"}, 0),
    ("unlisted metainfo", {"data/app.metainfo.xml.in": "<summary>Does things</summary>\n"}, 0),
    ("unlisted schema", {"data/app.gschema.xml.in": "<key><summary>Key</summary></key>\n"}, 0),
    ("stale POTFILES.in entry",
     {"po/POTFILES.in": GOOD_TREE["po/POTFILES.in"] + "app/gone.c\n"}, 1),
    ("language without .po", {"po/LINGUAS": "de\nfr\n"}, 2),
    ("unlisted .po file", {"po/fr.po": GOOD_PO}, 2),
    ("broken format string",
     {"po/de.po": GOOD_PO.replace("%s konnte", "%d konnte")}, 2),
]


class QuietReport(Report):
    """Report that records which checks failed instead of printing."""

    def __init__(self):
        super().__init__()
        self.failures = []

    def check(self, name, problems):
        if problems:
            self.failures.append(self.count)
        self.count += 1


def write_tree(root, files):
    """Create each path: text pair of files under root."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def failures_for(files):
    """Return the indexes of the checks that fail on a tree of files."""
    with tempfile.TemporaryDirectory() as folder:
        write_tree(Path(folder), files)
        quiet = QuietReport()
        run_checks(Path(folder), quiet)
        return quiet.failures


def self_test(report):
    """Check that the checks pass on a good tree and catch each mistake."""
    failures = failures_for(GOOD_TREE)
    report.check("self-test: a correct tree passes",
                 [f"check {index} failed" for index in failures])
    for name, changes, expected in SELF_TEST_CASES:
        failures = failures_for({**GOOD_TREE, **changes})
        problems = [] if failures == [expected] else [
            f"expected only check {expected} to fail, got {failures}"]
        report.check(f"self-test: {name} is reported", problems)


def main(argv):
    report = Report()
    if len(argv) == 3 and argv[1] == "--self-test":
        self_test(report)
    elif len(argv) == 2:
        run_checks(Path(argv[1]), report)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return report.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
