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
import socket
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
    """Folder for screenshots and logs that outlives the isolated session.

    Each program gets a subfolder named after its script. Programs can run
    at the same time, and the checks that read app.log or scan this folder
    must see their own program's files only."""
    program = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "e2e"
    path = os.path.join(os.environ.get("G_TEST_BUILDDIR", "."), "e2e-artifacts", program)
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

    def __init__(self, *args, env_changes=None):
        """env_changes maps environment variables to the values the app gets
        instead of the test's own; a value of None unsets the variable."""
        self.log_path = os.path.join(artifacts_dir(), "app.log")
        self.log = open(self.log_path, "a")
        env = dict(os.environ)
        for name, value in (env_changes or {}).items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        # GTK and WebKit keep caches alive until exit; leaks there are not ours.
        env["ASAN_OPTIONS"] = "detect_leaks=0"
        # Every debug message is logged, so the secrets check covers them all.
        env["G_MESSAGES_DEBUG"] = "all"
        self.process = subprocess.Popen([os.environ["SL_APP"], *args],
                                        stdout=self.log, stderr=self.log, env=env)
        if not wait_until(self.on_bus, 30):
            raise RuntimeError("the app did not appear on the session bus")
        # With GTK 4.8 an accessibility query that arrives before the app has
        # registered with the accessibility bus can abort it, and a window
        # opened that early can keep it from registering at all. So every
        # test waits for the registration, as a screen reader would find it.
        wait_until(self.in_accessibility_tree, 30)

    def in_accessibility_tree(self, app_name="supportlogic-connect"):
        import gi
        gi.require_version("Atspi", "2.0")
        from gi.repository import Atspi

        desktop = Atspi.get_desktop(0)
        for index in range(desktop.get_child_count()):
            application = desktop.get_child_at_index(index)
            if application is not None and application.get_name() == app_name:
                return application.get_child_count() > 0
        return False

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


class HttpsStandIn(StandIn):
    """The Salesforce stand-in serving HTTPS with the given PEM certificate
    and key. The control requests made with curl trust that certificate
    through CURL_CA_BUNDLE, which this sets for the test process."""

    def __init__(self, certificate, key, *extra_args):
        fixture = os.environ["SL_TEST_FIXTURE"]
        os.environ["CURL_CA_BUNDLE"] = certificate
        self.log_path = os.path.join(artifacts_dir(), "stand-in.log")
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [os.environ["SL_STAND_IN"], "--fixture", fixture, "--port", "0",
             "--tls-certificate", certificate, "--tls-key", key, *extra_args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("https://127.0.0.1:"):
            raise RuntimeError(f"stand-in printed no HTTPS URL (got {self.url!r})")


def make_self_signed_certificate(folder):
    """Writes a throw-away self-signed certificate for 127.0.0.1 and its key
    into folder and returns their paths."""
    certificate = os.path.join(folder, "stand-in-cert.pem")
    key = os.path.join(folder, "stand-in-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", certificate, "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True)
    return certificate, key


def beacons(stand_in):
    """The beacon names the stand-in recorded ("done", "escaped:NAME"), in order."""
    return [r["beacon"] for r in stand_in.requests() if "beacon" in r]


def files_under(folders, name_fragment=None, content=None):
    """Returns the files below folders whose name contains name_fragment or
    whose first 64 KiB contain the bytes content."""
    found = []
    for folder in folders:
        for root, _, files in os.walk(folder):
            for name in files:
                path = os.path.join(root, name)
                if name_fragment is not None and name_fragment in name:
                    found.append(path)
                    continue
                if content is None:
                    continue
                try:
                    with open(path, "rb") as handle:
                        if content in handle.read(64 * 1024):
                            found.append(path)
                except OSError:
                    continue
    return found


def log_text(path):
    """The text of a log file written so far, or "" when it cannot be read."""
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def press_button(fragment, app_name="supportlogic-connect"):
    """Activates the first visible, sensitive button of the app whose
    accessible name contains fragment, as a screen reader user would.
    Returns whether one was found."""
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    def visit(node, depth):
        if node is None or depth > 60:
            return None
        states = node.get_state_set()
        if not states.contains(Atspi.StateType.VISIBLE):
            return None
        if (node.get_role() == Atspi.Role.PUSH_BUTTON and fragment in (node.get_name() or "")
                and states.contains(Atspi.StateType.SENSITIVE)):
            return node
        for index in range(node.get_child_count()):
            found = visit(node.get_child_at_index(index), depth + 1)
            if found is not None:
                return found
        return None

    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is None or application.get_name() != app_name:
            continue
        for child in range(application.get_child_count()):
            button = visit(application.get_child_at_index(child), 0)
            if button is not None:
                button.get_action_iface().do_action(0)
                return True
    return False


class Notifications:
    """tests/e2e/fake_notifications.py on the session bus: records the
    desktop notifications the app sends."""

    def __init__(self):
        self.path = os.path.join(artifacts_dir(), "notifications.jsonl")
        open(self.path, "w").close()
        script = os.path.join(os.path.dirname(__file__), "fake_notifications.py")
        self.process = subprocess.Popen([sys.executable, script, self.path])
        wait_until(self.on_bus, 10)

    def on_bus(self):
        result = subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
             "--object-path", "/org/freedesktop/DBus",
             "--method", "org.freedesktop.DBus.NameHasOwner", "org.freedesktop.Notifications"],
            capture_output=True, text=True)
        return "true" in result.stdout

    def received(self):
        with open(self.path) as record:
            return [json.loads(line) for line in record if line.strip()]

    def click(self, notification_id):
        subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.Notifications",
             "--object-path", "/org/freedesktop/Notifications",
             "--method", "org.freedesktop.Notifications.Invoke", str(notification_id), "default"],
            check=True, capture_output=True)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=5)


def install_fake_browser(name="sl-test-browser"):
    """Makes a script the default handler of http and https links in the
    session's XDG folders, as GIO reads them (mimeapps.list in
    XDG_CONFIG_HOME, desktop files in XDG_DATA_HOME/applications). The
    script opens nothing: it appends each URL it is given to a file, whose
    path is returned. Call it before starting the app."""
    data_home = os.environ["XDG_DATA_HOME"]
    config_home = os.environ["XDG_CONFIG_HOME"]
    folder = os.path.join(data_home, name)
    os.makedirs(folder, exist_ok=True)
    record = os.path.join(folder, "opened-urls")
    script = os.path.join(folder, "browser")
    with open(script, "w") as handle:
        handle.write(f"#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{record}'\n")
    os.chmod(script, 0o755)

    applications = os.path.join(data_home, "applications")
    os.makedirs(applications, exist_ok=True)
    with open(os.path.join(applications, name + ".desktop"), "w") as handle:
        handle.write("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                     f"Exec={script} %u\nNoDisplay=true\n"
                     "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n")
    os.makedirs(config_home, exist_ok=True)
    with open(os.path.join(config_home, "mimeapps.list"), "w") as handle:
        handle.write(f"[Default Applications]\nx-scheme-handler/http={name}.desktop\n"
                     f"x-scheme-handler/https={name}.desktop\n")
    return record


def opened_urls(record):
    """The URLs the fake browser of install_fake_browser() was given, in order."""
    try:
        with open(record) as handle:
            return [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def fetch_redirect(url):
    """Sends GET url without following redirects or any proxy, and returns
    (HTTP status, Location header or None). Only loopback URLs are allowed."""
    import urllib.error
    import urllib.parse
    import urllib.request

    host = urllib.parse.urlsplit(url).hostname
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError(f"refusing to fetch a URL on host {host!r}: tests use loopback only")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    try:
        with opener.open(url, timeout=15) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


def open_uri(uri):
    """Hands uri to the running app as the desktop does for a link of its
    scheme: org.freedesktop.Application.Open on the app's D-Bus object.
    The URI travels over the bus only, never on a command line."""
    import gi
    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib

    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    bus.call_sync(APP_ID, APP_PATH, "org.freedesktop.Application", "Open",
                  GLib.Variant("(asa{sv})", ([uri], {})), None,
                  Gio.DBusCallFlags.NONE, 10000, None)


def type_secret(text):
    """Types text into the focused widget like type_text(), but passes it
    on standard input so it never appears on a command line."""
    subprocess.run(["xdotool", "type", "--delay", "10", "--file", "-"],
                   input=text, text=True, check=True)


def clipboard_text():
    """Returns the text on the clipboard of the test's X display, read by a
    separate GTK 4 process, or None when there is none."""
    script = """
import gi
gi.require_version("Gdk", "4.0")
gi.require_version("Gtk", "4.0")
from gi.repository import GLib, Gtk
Gtk.init()
loop = GLib.MainLoop()
result = []
def on_read(clipboard, task):
    try:
        result.append(clipboard.read_text_finish(task))
    except GLib.Error:
        pass
    loop.quit()
from gi.repository import Gdk
Gdk.Display.get_default().get_clipboard().read_text_async(None, on_read)
GLib.timeout_add_seconds(10, loop.quit)
loop.run()
if result and result[0] is not None:
    print(result[0], end="")
"""
    output = subprocess.run(["/usr/bin/python3", "-c", script], capture_output=True,
                            text=True, timeout=30)
    return output.stdout if output.returncode == 0 and output.stdout else None


def descendant_processes(pid, command_prefix):
    """Returns the PIDs of pid's descendants whose command name (as ps
    shows it, at most 15 characters) starts with command_prefix."""
    rows = subprocess.run(["ps", "-eo", "pid=,ppid=,comm="], capture_output=True,
                          text=True).stdout.splitlines()
    children = {}
    names = {}
    for row in rows:
        parts = row.split(None, 2)
        if len(parts) == 3:
            children.setdefault(int(parts[1]), []).append(int(parts[0]))
            names[int(parts[0])] = parts[2]
    found = []
    pending = list(children.get(pid, []))
    while pending:
        child = pending.pop()
        if names.get(child, "").startswith(command_prefix):
            found.append(child)
        pending.extend(children.get(child, []))
    return found


def window_shows_text(title, fragment, app_name="supportlogic-connect"):
    """Returns whether a window of the app named title shows fragment in the
    name or text of one of its nodes.

    Each accessibility call of a window that contains a web view can take most
    of a second, so this reads only that window, leaves out scroll bars and
    images, and stops at the first match instead of reading the whole tree.
    """
    import gi
    gi.require_version("Atspi", "2.0")
    from gi.repository import Atspi

    skipped_roles = {Atspi.Role.SCROLL_BAR, Atspi.Role.IMAGE}

    def search(node, depth):
        if node is None or depth > 60:
            return False
        try:
            if node.get_role() in skipped_roles:
                return False
            name = node.get_name() or ""
            # Asking the web view for text waits on its web process; the web
            # content is not in the tree with GTK 4.8 anyway.
            if name == "WebKitWebView":
                return False
            if fragment in name:
                return True
            text = node.get_text_iface()
            if text is not None and fragment in text.get_text(0, text.get_character_count()):
                return True
            return any(search(node.get_child_at_index(index), depth + 1)
                       for index in range(node.get_child_count()))
        except gi.repository.GLib.Error:
            return False

    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is None or application.get_name() != app_name:
            continue
        for child in range(application.get_child_count()):
            window = application.get_child_at_index(child)
            if window is not None and window.get_name() == title and search(window, 0):
                return True
    return False


def free_loopback_port():
    """Returns a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_proxy_settings(proxy_port):
    """Adds GNOME proxy settings (org.gnome.system.proxy) for an HTTP proxy
    on 127.0.0.1:proxy_port to the keyfile that write_settings() wrote.
    ignore-hosts is emptied: its default lists localhost, 127.0.0.0/8 and
    ::1, which would send the stand-in's requests around the proxy."""
    folder = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
    with open(os.path.join(folder, "keyfile"), "a") as keyfile:
        keyfile.write("\n[system/proxy]\nmode='manual'\nignore-hosts=@as []\n")
        for scheme in ("http", "https"):
            keyfile.write(f"\n[system/proxy/{scheme}]\nhost='127.0.0.1'\n"
                          f"port={proxy_port}\n")


class LoopbackProxy:
    """Debian's tinyproxy as an HTTP proxy on a free port of 127.0.0.1, run
    in the foreground with its configuration, filter and log in folder.

    It forwards to 127.0.0.1 and localhost only: the filter is an allow list
    of those two host names, every other host gets 403, and CONNECT is
    turned off, so no request sent to it can leave the machine. Its log
    records the request line of every request it receives."""

    def __init__(self, folder):
        self.port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(folder, "tinyproxy.log")
        filter_path = os.path.join(folder, "tinyproxy.filter")
        with open(filter_path, "w") as rules:
            rules.write("^127\\.0\\.0\\.1$\n^localhost$\n")
        self.config_path = os.path.join(folder, "tinyproxy.conf")
        with open(self.config_path, "w") as config:
            config.write(f"Port {self.port}\nListen 127.0.0.1\nAllow 127.0.0.1\n"
                         f"Timeout 60\nMaxClients 50\n"
                         f"LogFile \"{self.log_path}\"\nLogLevel Connect\n"
                         f"PidFile \"{os.path.join(folder, 'tinyproxy.pid')}\"\n"
                         f"Filter \"{filter_path}\"\nFilterType ere\n"
                         f"FilterDefaultDeny Yes\nConnectPort 0\n")
        self.output_path = os.path.join(folder, "tinyproxy.out")
        self.output = open(self.output_path, "w")
        self.process = subprocess.Popen(["tinyproxy", "-d", "-c", self.config_path],
                                        stdout=self.output, stderr=self.output)
        if not wait_until(self.listening, 30):
            self.stop()
            raise RuntimeError(f"tinyproxy failed to listen on port {self.port}:\n"
                               f"{log_text(self.output_path)}{self.log()}")

    def listening(self):
        if self.process.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
            return True
        except OSError:
            return False

    def log(self):
        return log_text(self.log_path)

    def request_lines(self):
        """The request lines the proxy received, in order, such as
        "GET http://127.0.0.1:4321/services/oauth2/authorize?... HTTP/1.1"."""
        marker = "): "
        return [line.split(marker, 1)[1].strip() for line in self.log().splitlines()
                if "Request (file descriptor" in line and marker in line]

    def send(self, request_line, host):
        """Sends request_line with a Host header straight to the proxy and
        returns the status code of its response (0 when there is none)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=15) as connection:
            connection.sendall(f"{request_line}\r\nHost: {host}\r\n"
                               "Connection: close\r\n\r\n".encode())
            status_line = connection.makefile("rb").readline().decode(errors="replace")
        parts = status_line.split()
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()
