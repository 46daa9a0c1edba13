# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers for the end-to-end tests of the real app.

The tests run inside tests/run-isolated, which provides a private D-Bus
session with an unlocked gnome-keyring, Xvfb, and throw-away HOME and XDG
folders. These helpers start the Salesforce stand-in and the app binary, drive
the app through its D-Bus actions and read its state back through
`--status --json`, the keyring and the accessibility tree.
"""

import json
import os
import subprocess
import sys
import time

APP_ID = "com.supportlogic.Connect"
APP_PATH = "/com/supportlogic/Connect"
SCHEMA = "com.supportlogic.Connect.Credentials"


class Tap:
    """Minimal TAP producer: one numbered line per check, plan at the end."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, condition, description, detail=""):
        self.count += 1
        if condition:
            print(f"ok {self.count} - {description}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.count} - {description}", flush=True)
            if detail:
                for line in str(detail).splitlines():
                    print(f"# {line}", flush=True)
        return condition

    def diag(self, message):
        print(f"# {message}", flush=True)

    def finish(self):
        print(f"1..{self.count}", flush=True)
        sys.exit(1 if self.failed else 0)


def wait_until(predicate, timeout, interval=0.2):
    """Polls predicate until it returns a true value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def artifacts_dir():
    """Folder for screenshots and logs that outlives the isolated session."""
    path = os.path.join(os.environ.get("G_TEST_BUILDDIR", "."), "e2e-artifacts")
    os.makedirs(path, exist_ok=True)
    return path


def screenshot(name):
    path = os.path.join(artifacts_dir(), name + ".png")
    subprocess.run(["import", "-window", "root", path], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return path


class StandIn:
    """The Salesforce stand-in on a free loopback port."""

    def __init__(self, *extra_args):
        fixture = os.environ["SL_TEST_FIXTURE"]
        self.log_path = os.path.join(artifacts_dir(), "stand-in.log")
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [os.environ["SL_STAND_IN"], "--fixture", fixture, "--port", "0", *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"stand-in printed no URL (got {self.url!r})")

    def requests(self):
        output = subprocess.run(
            ["curl", "-sf", "--noproxy", "*", self.url + "/__control/requests"],
            capture_output=True, text=True, check=True).stdout
        return json.loads(output)

    def add_fault(self, fault):
        """Adds a fault such as {"endpoint": "token", "status": 500, "times": 1}."""
        subprocess.run(
            ["curl", "-sf", "--noproxy", "*", "-X", "POST", "-H", "Content-Type: application/json",
             "-d", json.dumps(fault), self.url + "/__control/faults"],
            check=True, capture_output=True)

    def set_auto_sign_in(self, username):
        """Makes authorize sign username in without the login form (None: off)."""
        subprocess.run(
            ["curl", "-sf", "--noproxy", "*", "-X", "POST", "-H", "Content-Type: application/json",
             "-d", json.dumps({"username": username}), self.url + "/__control/auto-sign-in"],
            check=True, capture_output=True)

    def records(self, sobject):
        """The stand-in's current records of sobject ("Case", "CaseComment")."""
        output = subprocess.run(
            ["curl", "-sf", "--noproxy", "*", self.url + "/__control/records/" + sobject],
            capture_output=True, text=True, check=True).stdout
        return json.loads(output)

    def issued_secrets(self):
        """Every authorization code and token the stand-in has issued."""
        output = subprocess.run(
            ["curl", "-sf", "--noproxy", "*", self.url + "/__control/issued-secrets"],
            capture_output=True, text=True, check=True).stdout
        return json.loads(output)

    def count(self, endpoint, method=None):
        return sum(1 for r in self.requests()
                   if r.get("endpoint") == endpoint and (method is None or r.get("method") == method))

    def pages(self):
        """The HTML pages the stand-in has served, in order ("login", "login-failed", ...)."""
        return [r["page"] for r in self.requests() if "page" in r]

    def last_page(self):
        pages = self.pages()
        return pages[-1] if pages else None

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def write_settings(login_host, network_timeout=None):
    """Points the app at login_host through a keyfile GSettings backend;
    network_timeout (seconds) overrides the default when given."""
    os.environ["GSETTINGS_BACKEND"] = "keyfile"
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "keyfile"), "w") as keyfile:
        keyfile.write(f"[com/supportlogic/Connect]\nlogin-host='{login_host}'\n")
        if network_timeout is not None:
            keyfile.write(f"network-timeout=uint32 {network_timeout}\n")


class App:
    """The real supportlogic-connect binary with its window on Xvfb."""

    def __init__(self, *args):
        self.log_path = os.path.join(artifacts_dir(), "app.log")
        self.log = open(self.log_path, "a")
        env = dict(os.environ)
        # GTK and WebKit keep caches alive until exit; leaks there are not ours.
        env["ASAN_OPTIONS"] = "detect_leaks=0"
        # Every debug message is logged, so the secrets check covers them all.
        env["G_MESSAGES_DEBUG"] = "all"
        self.process = subprocess.Popen([os.environ["SL_APP"], *args],
                                        stdout=self.log, stderr=self.log, env=env)
        if not wait_until(self.on_bus, 30):
            raise RuntimeError("the app did not appear on the session bus")

    def on_bus(self):
        result = subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
             "--object-path", "/org/freedesktop/DBus",
             "--method", "org.freedesktop.DBus.NameHasOwner", APP_ID],
            capture_output=True, text=True)
        return "true" in result.stdout

    def activate(self, action, slot):
        subprocess.run(
            ["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
             "--method", "org.gtk.Actions.Activate", action, f"[<'{slot}'>]", "{}"],
            check=True, capture_output=True, text=True)

    def running(self):
        return self.process.poll() is None

    def stop(self):
        if self.running():
            subprocess.run(
                ["gdbus", "call", "--session", "--dest", APP_ID, "--object-path", APP_PATH,
                 "--method", "org.gtk.Actions.Activate", "quit", "[]", "{}"],
                capture_output=True)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


def status():
    """Runs `supportlogic-connect --status --json` and returns (exit code, parsed JSON)."""
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    result = subprocess.run([os.environ["SL_APP"], "--status", "--json"],
                            capture_output=True, text=True, env=env, timeout=30)
    try:
        document = json.loads(result.stdout)
    except json.JSONDecodeError:
        document = None
    return result.returncode, document, result


def slot_state(slot):
    _, document, _ = status()
    if not document or slot not in document:
        return None
    return document[slot]


def keyring_item_count(slot):
    """Counts our schema's items for slot through the Secret Service D-Bus API.

    Only object paths come back, never secrets, so nothing secret reaches the
    test log.
    """
    result = subprocess.run(
        ["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
         "--object-path", "/org/freedesktop/secrets",
         "--method", "org.freedesktop.Secret.Service.SearchItems",
         f"{{'slot': '{slot}', 'xdg:schema': '{SCHEMA}'}}"],
        capture_output=True, text=True, check=True)
    return result.stdout.count("/org/freedesktop/secrets/collection/")


def window_exists(title):
    result = subprocess.run(["xdotool", "search", "--name", title],
                            capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip() != ""


def focus_window(title):
    result = subprocess.run(["xdotool", "search", "--sync", "--name", title],
                            capture_output=True, text=True, timeout=30)
    window = result.stdout.split()[-1]
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False, timeout=10)
    return window


def type_text(text):
    subprocess.run(["xdotool", "type", "--delay", "40", text], check=True)


def press(*keys):
    for key in keys:
        subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)
        time.sleep(0.2)


def accessible_texts(app_name="supportlogic-connect"):
    """Returns the names and texts of every visible node of the app's
    accessibility tree, as assistive technology would read them.

    GTK 4.8 sets the SHOWING state on windows only, so the pages of a stack
    that are not on screen are included too: checks look for text that only
    appears once the state they test is reached. WebKitGTK does not expose
    the web page's content here with GTK 4.8.
    """
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    texts = []

    def visit(node, depth):
        if node is None or depth > 60:
            return
        try:
            states = node.get_state_set()
            if not states.contains(Atspi.StateType.VISIBLE):
                return
            name = node.get_name()
            if name:
                texts.append(name)
            text = node.get_text_iface()
            if text is not None:
                content = text.get_text(0, text.get_character_count())
                if content:
                    texts.append(content)
            for index in range(node.get_child_count()):
                visit(node.get_child_at_index(index), depth + 1)
        except gi.repository.GLib.Error:
            return

    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is not None and application.get_name() == app_name:
            for child in range(application.get_child_count()):
                visit(application.get_child_at_index(child), 0)
    return texts


def focused_names(app_name="supportlogic-connect"):
    """Returns the names of the app's nodes that have the keyboard focus."""
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    names = []

    def visit(node, depth):
        if node is None or depth > 60:
            return
        states = node.get_state_set()
        if not states.contains(Atspi.StateType.VISIBLE):
            return
        if states.contains(Atspi.StateType.FOCUSED):
            names.append(node.get_name() or "")
        for index in range(node.get_child_count()):
            visit(node.get_child_at_index(index), depth + 1)

    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is not None and application.get_name() == app_name:
            for child in range(application.get_child_count()):
                visit(application.get_child_at_index(child), 0)
    return names


def shows_text(fragment, app_name="supportlogic-connect"):
    return any(fragment in text for text in accessible_texts(app_name))


def find_leaked_secrets(secrets, texts=()):
    """Returns where any of secrets appears: in the e2e logs, in texts (such
    as captured command output), on a process command line, or in a file
    under the session's HOME and XDG folders. Only places are returned,
    never the secrets themselves."""
    places = []
    blobs = [(f"text {index}", text.encode()) for index, text in enumerate(texts)]
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    blobs.append(("process command lines", ps.encode()))
    folders = [artifacts_dir()] + [os.environ[name] for name in
                                   ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
                                   if name in os.environ]
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(root, name)
                try:
                    if os.path.getsize(path) < 64 * 1024 * 1024:
                        with open(path, "rb") as handle:
                            blobs.append((path, handle.read()))
                except OSError:
                    continue
    for place, blob in blobs:
        if any(secret.encode() in blob for secret in secrets):
            places.append(place)
    return places
