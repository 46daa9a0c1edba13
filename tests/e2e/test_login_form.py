# SPDX-License-Identifier: GPL-3.0-or-later
"""Signs in through the stand-in's real HTML login form in the embedded
WebKit view, typing with xdotool as a person would.

It tries a wrong password, then the right one, then Deny on the consent
page, an Escape half way, and finally a full sign-in with Allow."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

DIALOG = "Sign in to Salesforce"
WINDOW = "^SupportLogic Connect$"
USERNAME = "integration@acme.example.com"
PASSWORD = "Integration-Demo-1"


def login_posts(stand_in):
    return stand_in.count("login", "POST")


def open_login_form(tap, app, stand_in, label, key=None):
    """Starts a sign-in with the connect action, or by pressing key."""
    authorize_before = stand_in.count("authorize")
    if key is None:
        app.activate("connect", "integration")
    else:
        e2e.press(key)
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 30), f"{label}: sign-in dialog opens")
    tap.check(e2e.wait_until(lambda: stand_in.count("authorize") > authorize_before, 30),
              f"{label}: dialog loads the authorize page")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "login", 30),
              f"{label}: login form is shown", stand_in.pages())
    # The page is served before it is painted and focused.
    time.sleep(2)
    e2e.focus_window(DIALOG)
    time.sleep(0.5)


def submit_credentials(stand_in, username, password):
    """Types the credentials into the focused login form and submits it.

    The web process can be slow to take key events (notably in the
    sanitizer build), so Return is pressed again if no POST arrived within
    10 s while the form is still the current page.
    """
    posts = login_posts(stand_in)
    e2e.press("ctrl+a")
    e2e.type_text(username)
    e2e.press("Tab", "ctrl+a")
    e2e.type_text(password)
    time.sleep(1)
    for _ in range(3):
        e2e.press("Return")
        if e2e.wait_until(lambda: login_posts(stand_in) > posts, 10):
            return True
    return False


def focus_by_tab(button):
    """Presses Tab in the main window until button has the focus."""
    e2e.focus_window(WINDOW)
    for _ in range(20):
        if any(button in name for name in e2e.focused_names()):
            return True
        e2e.press("Tab")
    return False


def has_focus(button):
    """Returns whether button has the keyboard focus of the main window.

    Xvfb runs no window manager, so nothing gives the main window back the
    input focus when the dialog closes. The test does what a window manager
    would do, then reads the focus from the accessibility tree.
    """
    e2e.focus_window(WINDOW)
    return e2e.wait_until(lambda: any(button in name for name in e2e.focused_names()), 10)


def main():
    tap = e2e.Tap()
    stand_in = e2e.StandIn()
    e2e.write_settings(stand_in.url)
    app = e2e.App()

    open_login_form(tap, app, stand_in, "first attempt")
    e2e.screenshot("form-01-login-page")
    tap.check(e2e.window_shows_text(DIALOG, "integration user"),
              "dialog says which connection it signs in")

    tap.check(submit_credentials(stand_in, USERNAME, "wrong-password"),
              "wrong password is submitted")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "login-failed", 20),
              "wrong password shows the login error", stand_in.pages())
    e2e.screenshot("form-02-wrong-password")
    tap.check(e2e.window_exists(DIALOG), "dialog stays open after a wrong password")

    e2e.focus_window(DIALOG)
    tap.check(submit_credentials(stand_in, USERNAME, PASSWORD), "right password is submitted")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "consent", 20),
              "right password leads to the consent page", stand_in.pages())
    e2e.screenshot("form-03-consent")

    # Allow has the focus; Shift+Tab moves to Deny, which comes first.
    e2e.focus_window(DIALOG)
    time.sleep(0.5)
    e2e.press("shift+Tab", "Return")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 20), "Deny closes the dialog")
    tap.check(stand_in.count("token") == 0, "Deny never reaches the token endpoint")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("denied"), 10),
              "window says access was denied", e2e.accessible_texts())
    state = e2e.slot_state("integration") or {}
    tap.check(state.get("state") == "disconnected", "slot stays disconnected after Deny", state)
    e2e.screenshot("form-04-denied")

    # Escape half way leaves everything as it was. This attempt starts from
    # the keyboard, so the focus must come back to the button it left.
    tap.check(focus_by_tab("Try Again"), "Tab reaches Try Again", e2e.focused_names())
    open_login_form(tap, app, stand_in, "cancelled attempt", key="Return")
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 10), "Escape closes the dialog")
    tap.check(e2e.keyring_item_count("integration") == 0, "Escape stores nothing")
    tap.check(has_focus("Try Again"), "focus returns to Try Again after Escape", e2e.focused_names())

    open_login_form(tap, app, stand_in, "second attempt")
    tap.check(submit_credentials(stand_in, USERNAME, PASSWORD), "right password is submitted again")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "consent", 20),
              "consent page is shown again", stand_in.pages())
    e2e.focus_window(DIALOG)
    time.sleep(0.5)
    for _ in range(3):
        e2e.press("Return")
        if e2e.wait_until(lambda: stand_in.count("token") > 0 or not e2e.window_exists(DIALOG), 10):
            break
    state = e2e.wait_until(
        lambda: (e2e.slot_state("integration") or {}).get("state") == "connected", 30)
    tap.check(state, "Allow connects the integration user")
    state = e2e.slot_state("integration") or {}
    tap.check(state.get("email") == USERNAME, "status shows the signed-in email", state)
    tap.check(e2e.keyring_item_count("integration") == 1, "keyring holds the connection")
    tap.check(e2e.wait_until(lambda: e2e.shows_text(USERNAME), 10),
              "window shows the signed-in email", e2e.accessible_texts())
    e2e.screenshot("form-05-connected")

    tap.check(app.stop() == 0, "app quits cleanly")
    stand_in.stop()
    tap.finish()


if __name__ == "__main__":
    main()
