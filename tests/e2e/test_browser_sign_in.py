# SPDX-License-Identifier: GPL-3.0-or-later
"""Signs in with the system browser instead of the embedded web view.

No real browser runs here: a script registered as the session's default
handler of http links records the URL it is given. The test plays the
browser with plain HTTP against the stand-in, then hands the callback to the
app as the desktop would (org.freedesktop.Application.Open) or pastes it
into the dialog. It also checks that a replayed callback, a callback with a
foreign state, a wrong paste and a Deny response are handled as they must."""

import os
import secrets
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

DIALOG = "Sign in to Salesforce"
INTEGRATION = "integration@acme.example.com"
ALICE = "alice@acme.example.com"
CALLBACK = "com.supportlogic.connect:/oauth2/callback"
UNROUTED = "Rejected a sign-in callback whose state matches no sign-in in progress"


def query(url):
    """The query parameters of url, each name mapped to its list of values."""
    return urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)


def app_log(app):
    with open(app.log_path, errors="replace") as handle:
        return handle.read()


def connected(slot, email):
    state = e2e.slot_state(slot) or {}
    return state if state.get("state") == "connected" and state.get("email") == email else None


def waiting(slot):
    """Whether the sign-in dialog is still open and slot has stored nothing.
    (`--status` reads the keyring, so it cannot show "connecting".)"""
    return e2e.window_exists(DIALOG) and e2e.keyring_item_count(slot) == 0


def open_dialog(tap, app, stand_in, action, slot, label):
    """Starts a sign-in and waits until the embedded view shows the login form."""
    authorize_before = stand_in.count("authorize")
    app.activate(action, slot)
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 30), f"{label}: dialog opens")
    tap.check(e2e.wait_until(lambda: stand_in.count("authorize") > authorize_before, 30),
              f"{label}: embedded view loads the authorize page")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "login", 30),
              f"{label}: login form is shown", stand_in.pages())
    time.sleep(1)


def web_processes(app):
    return e2e.descendant_processes(app.process.pid, "WebKitWebProces")


def switch_to_browser(tap, app, record, label):
    """Presses the browser button with its mnemonic, while the embedded page
    has the keyboard focus, and returns the URL the browser was given.

    The accessibility tree of GTK 4.8 keeps the nodes of closed dialogs, so
    the switch is checked through its effects rather than the page's title."""
    opened_before = len(e2e.opened_urls(record))
    tap.check(web_processes(app), f"{label}: embedded view runs a web process")
    e2e.focus_window(DIALOG)
    time.sleep(0.5)
    e2e.press("alt+b")
    tap.check(e2e.wait_until(lambda: len(e2e.opened_urls(record)) > opened_before, 20),
              f"{label}: default browser is given a URL", e2e.opened_urls(record))
    tap.check(e2e.wait_until(lambda: not web_processes(app), 15),
              f"{label}: web process ends when the browser takes over", web_processes(app))
    urls = e2e.opened_urls(record)
    return urls[-1] if urls else ""


def check_authorize_url(tap, url, stand_in, label):
    parts = urllib.parse.urlsplit(url)
    params = query(url)
    tap.check(url.startswith(stand_in.url + "/services/oauth2/authorize?"),
              f"{label}: browser gets the authorize URL of the login host", url)
    tap.check(params.get("redirect_uri") == [CALLBACK], f"{label}: URL names the app's callback")
    tap.check(len(params.get("state", [""])[0]) >= 22, f"{label}: URL has a state", parts.query)
    tap.check(params.get("code_challenge_method") == ["S256"],
              f"{label}: URL has an S256 PKCE challenge")
    tap.check("code_verifier" not in params, f"{label}: URL holds no PKCE verifier")


def browser_sign_in(stand_in, url, username):
    """Does what the browser would: the stand-in signs username in and
    redirects. Returns the callback URI from the Location header."""
    stand_in.set_auto_sign_in(username)
    try:
        status, location = e2e.fetch_redirect(url)
    finally:
        stand_in.set_auto_sign_in(None)
    return location if status in (302, 303) and location else ""


def with_state(uri, state):
    """uri with its state parameter replaced by state."""
    parts = urllib.parse.urlsplit(uri)
    params = [(name, state if name == "state" else value)
              for name, value in urllib.parse.parse_qsl(parts.query)]
    return parts._replace(query=urllib.parse.urlencode(params)).geturl()


def save_waiting_screenshot(tap):
    path = e2e.screenshot("browser-01-waiting")
    tap.check(os.path.exists(path) and os.path.getsize(path) > 0,
              "screenshot of the waiting page is taken", path)


def scheme_handler_sign_in(tap, app, stand_in, record):
    """Connects the integration slot with the callback delivered through D-Bus."""
    open_dialog(tap, app, stand_in, "connect", "integration", "scheme handler")
    authorize_before = stand_in.count("authorize")
    url = switch_to_browser(tap, app, record, "scheme handler")
    check_authorize_url(tap, url, stand_in, "scheme handler")
    host = urllib.parse.urlsplit(stand_in.url).hostname
    tap.check(e2e.wait_until(
        lambda: e2e.window_shows_text(DIALOG, f"The sign-in page of {host} is open"), 30),
        "waiting page names the login host", e2e.accessible_texts())
    save_waiting_screenshot(tap)

    e2e.focus_window(DIALOG)
    e2e.press("alt+l")
    tap.check(e2e.wait_until(lambda: e2e.clipboard_text() == url, 10),
              "Copy Link copies the URL given to the browser", e2e.clipboard_text())

    location = browser_sign_in(stand_in, url, INTEGRATION)
    tap.check(location.startswith(CALLBACK + "?"), "stand-in redirects to the callback")
    tap.check(query(location).get("state") == query(url).get("state"),
              "callback carries the state of the URL the browser got")
    tap.check(stand_in.count("token") == 0, "nothing is exchanged before the callback arrives")

    e2e.open_uri(location)
    state = e2e.wait_until(lambda: connected("integration", INTEGRATION), 60)
    tap.check(state is not None, "callback through D-Bus connects the integration user",
              e2e.status()[2].stdout)
    tap.check(stand_in.count("token") == 1, "exactly one token request was made")
    tap.check(stand_in.count("authorize") == authorize_before + 1,
              "the app itself loaded the authorize page only once")
    tap.check(e2e.keyring_item_count("integration") == 1, "keyring holds the connection")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 20),
              "dialog closes after the sign-in")
    e2e.screenshot("browser-02-connected")

    # The same callback again: no sign-in waits for it any more.
    connected_at = (state or {}).get("connected_at")
    rejected_before = app_log(app).count(UNROUTED)
    e2e.open_uri(location)
    tap.check(e2e.wait_until(lambda: app_log(app).count(UNROUTED) > rejected_before, 10),
              "replayed callback is rejected and logged")
    time.sleep(1)
    tap.check(stand_in.count("token") == 1, "replayed callback makes no token request")
    state = e2e.slot_state("integration") or {}
    tap.check(state.get("connected_at") == connected_at and state.get("email") == INTEGRATION,
              "replayed callback leaves the connection unchanged", state)
    tap.check(app.running(), "app still runs after the replay")


def foreign_state_and_paste(tap, app, stand_in, record):
    """Signs the user slot in by pasting, after a foreign callback and bad pastes."""
    open_dialog(tap, app, stand_in, "connect", "user", "paste")
    url = switch_to_browser(tap, app, record, "paste")
    check_authorize_url(tap, url, stand_in, "paste")
    tokens_before = stand_in.count("token")

    # A real code, issued for a request with another state.
    foreign_url = with_state(url, secrets.token_urlsafe(32))
    foreign = browser_sign_in(stand_in, foreign_url, ALICE)
    tap.check(foreign.startswith(CALLBACK + "?"), "stand-in issues a foreign callback")
    rejected_before = app_log(app).count(UNROUTED)
    e2e.open_uri(foreign)
    tap.check(e2e.wait_until(lambda: app_log(app).count(UNROUTED) > rejected_before, 10),
              "callback with a foreign state is rejected and logged")
    time.sleep(1)
    tap.check(stand_in.count("token") == tokens_before, "foreign callback is never exchanged")
    tap.check(e2e.keyring_item_count("user") == 0, "foreign callback stores nothing")
    tap.check(waiting("user"), "dialog keeps waiting after a foreign callback")

    # Garbage in the paste field.
    e2e.focus_window(DIALOG)
    e2e.press("alt+p", "ctrl+a")
    e2e.type_text("not an address")
    e2e.press("Return")
    tap.check(e2e.wait_until(
        lambda: e2e.window_shows_text(DIALOG, "This is not the address"), 15),
        "pasted garbage shows why it was rejected", e2e.accessible_texts())
    tap.check(waiting("user"), "dialog keeps waiting after pasted garbage")
    e2e.screenshot("browser-03-bad-paste")

    # The foreign callback pasted: same checks, another reason.
    e2e.press("ctrl+a")
    e2e.type_secret(foreign)
    e2e.press("Return")
    tap.check(e2e.wait_until(
        lambda: e2e.window_shows_text(DIALOG, "belongs to another sign-in"), 15),
        "pasted foreign callback is rejected", e2e.accessible_texts())
    tap.check(waiting("user"), "dialog keeps waiting after a pasted foreign callback")
    tap.check(stand_in.count("token") == tokens_before,
              "pasted foreign callback is never exchanged")

    location = browser_sign_in(stand_in, url, ALICE)
    tap.check(location.startswith(CALLBACK + "?"), "stand-in redirects the user's sign-in")
    e2e.press("ctrl+a")
    e2e.type_secret(location)
    e2e.press("Return")
    tap.check(e2e.wait_until(lambda: connected("user", ALICE), 60) is not None,
              "pasted callback connects the user slot", e2e.status()[2].stdout)
    tap.check(stand_in.count("token") == tokens_before + 1, "paste makes one token request")
    tap.check(e2e.keyring_item_count("user") == 1, "keyring holds the user connection")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 20),
              "dialog closes after the pasted sign-in")


def denied_paste(tap, app, stand_in, record):
    """A pasted Deny response ends the sign-in and keeps the old connection."""
    before = e2e.slot_state("integration") or {}
    open_dialog(tap, app, stand_in, "reconnect", "integration", "denied")
    url = switch_to_browser(tap, app, record, "denied")
    tokens_before = stand_in.count("token")
    state = query(url).get("state", [""])[0]
    denied = CALLBACK + "?" + urllib.parse.urlencode(
        {"error": "access_denied", "error_description": "end-user denied authorization",
         "state": state})
    e2e.focus_window(DIALOG)
    e2e.press("alt+p", "ctrl+a")
    e2e.type_text(denied)
    e2e.press("Return")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 20),
              "pasted Deny response closes the dialog")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("denied"), 10),
              "window says access was denied", e2e.accessible_texts())
    tap.check(stand_in.count("token") == tokens_before, "Deny makes no token request")
    after = e2e.slot_state("integration") or {}
    tap.check(after.get("connected_at") == before.get("connected_at")
              and after.get("state") == "connected",
              "Deny keeps the previous connection", after)


def escape_in_browser_mode(tap, app, stand_in, record):
    """Escape on the waiting page leaves the slot as it was."""
    before = e2e.slot_state("integration") or {}
    open_dialog(tap, app, stand_in, "reconnect", "integration", "escape")
    switch_to_browser(tap, app, record, "escape")
    e2e.focus_window(DIALOG)
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 10),
              "Escape closes the waiting page")
    after = e2e.slot_state("integration") or {}
    tap.check(after == before, "Escape leaves the slot as it was", after)


def browser_fails(tap, app, stand_in, record):
    """A default browser that cannot start is reported, and Copy Link stays."""
    broken = os.path.join(os.environ["XDG_DATA_HOME"], "applications",
                          "sl-test-browser.desktop")
    with open(broken) as handle:
        entry = handle.read()
    missing = os.path.join(os.environ["XDG_DATA_HOME"], "no-such-browser")
    with open(broken, "w") as handle:
        handle.write("\n".join(f"Exec={missing} %u" if line.startswith("Exec=") else line
                               for line in entry.splitlines()) + "\n")
    # GIO notices changed desktop files through a file monitor.
    time.sleep(2)

    before = e2e.slot_state("integration") or {}
    open_dialog(tap, app, stand_in, "reconnect", "integration", "no browser")
    e2e.focus_window(DIALOG)
    time.sleep(0.5)
    e2e.press("alt+b")
    tap.check(e2e.wait_until(
        lambda: e2e.window_shows_text(DIALOG, "Your web browser could not be opened"), 30),
        "failed browser start is shown", e2e.accessible_texts())
    e2e.screenshot("browser-04-no-browser")
    copied_before = e2e.clipboard_text()
    e2e.focus_window(DIALOG)
    e2e.press("alt+l")
    tap.check(e2e.wait_until(
        lambda: (e2e.clipboard_text() or copied_before) != copied_before, 10),
        "Copy Link works after the browser failed", e2e.clipboard_text())
    tap.check((e2e.clipboard_text() or "").startswith(stand_in.url + "/services/oauth2/authorize?"),
              "copied link is the authorize URL")
    tap.check(e2e.window_exists(DIALOG), "dialog stays open after the browser failed")
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 10),
              "Escape closes the dialog after the browser failed")
    tap.check((e2e.slot_state("integration") or {}) == before,
              "failed browser start leaves the slot as it was")


def main():
    # Xvfb has no GPU, so GTK's GL renderer draws in software and the
    # spinner of the waiting page keeps the app's main loop busy enough
    # to time out accessibility queries on a loaded machine.
    os.environ.setdefault("GSK_RENDERER", "cairo")
    tap = e2e.Tap()
    stand_in = e2e.StandIn()
    e2e.write_settings(stand_in.url)
    record = e2e.install_fake_browser()
    app = e2e.App()

    scheme_handler_sign_in(tap, app, stand_in, record)
    foreign_state_and_paste(tap, app, stand_in, record)
    denied_paste(tap, app, stand_in, record)
    escape_in_browser_mode(tap, app, stand_in, record)
    browser_fails(tap, app, stand_in, record)

    tap.check(app.stop() == 0, "app quits cleanly")
    secrets_issued = stand_in.issued_secrets()
    tap.check(len(secrets_issued) >= 4, "stand-in lists the codes and tokens it issued",
              len(secrets_issued))
    leaks = e2e.find_leaked_secrets(secrets_issued, [e2e.status()[2].stdout])
    tap.check(not leaks, "no code or token in logs, output, command lines or files", leaks)
    stand_in.stop()
    tap.finish()


if __name__ == "__main__":
    main()
