# SPDX-License-Identifier: GPL-3.0-or-later
"""What the app does with connections it finds in the keyring at start-up:
it checks them with Salesforce in the background, renews an expired access
token, requests a new sign-in when the refresh token is rejected (with a
desktop notification), keeps the connection when Salesforce cannot be
reached, and explains a locked keyring or an unreadable item with a fix."""

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

INTEGRATION_EMAIL = "integration@acme.example.com"
KEYRING_PASSWORD = "test-keyring"
COLLECTION = "/org/freedesktop/secrets/collection/login"


def control(stand_in, name, body=None):
    command = ["curl", "-sf", "--noproxy", "*", "-X", "POST"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "-d", json.dumps(body)]
    subprocess.run(command + [stand_in.url + "/__control/" + name], check=True,
                   capture_output=True)


def refreshes(stand_in):
    return sum(1 for r in stand_in.requests() if r.get("grant_type") == "refresh_token")


def connected():
    state = e2e.slot_state("integration") or {}
    return state.get("state") == "connected" and state.get("email") == INTEGRATION_EMAIL


def check_renews_expired_token(tap, stand_in):
    control(stand_in, "expire-access-tokens")
    before = stand_in.count("userinfo")
    app = e2e.App()
    app.activate("show-slot", "integration")
    tap.check(e2e.wait_until(lambda: refreshes(stand_in) == 1, 30),
              "start-up check renews an expired access token once", stand_in.requests())
    tap.check(e2e.wait_until(lambda: stand_in.count("userinfo") == before + 2, 30),
              "start-up check asks who the renewed token belongs to")
    tap.check(e2e.wait_until(lambda: not e2e.shows_text("checking"), 20),
              "checking state ends", e2e.accessible_texts())
    tap.check(e2e.shows_text("Connected") and not e2e.shows_text("could not be checked"),
              "slot shows connected after the check", e2e.accessible_texts())
    tap.check(app.stop() == 0, "app quits cleanly after the check")


def check_offline_keeps_connection(tap, stand_in):
    stand_in.add_fault({"endpoint": "userinfo", "status": 503, "times": 100,
                        "content_type": "text/html", "body": "<html>maintenance</html>"})
    app = e2e.App()
    app.activate("show-slot", "integration")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("could not be checked"), 30),
              "a failed start-up check is shown", e2e.accessible_texts())
    e2e.screenshot("stored-01-check-failed")
    tap.check(connected(), "a failed start-up check keeps the connection")
    tap.check(not e2e.shows_text("Reconnect required"), "a 503 does not ask for a new sign-in")
    subprocess.run(["curl", "-sf", "--noproxy", "*", "-X", "DELETE",
                    stand_in.url + "/__control/faults"], check=True, capture_output=True)
    app.activate("show-slot", "integration")
    tap.check(e2e.press_button("Check Again"), "page offers Check Again", e2e.accessible_texts())
    tap.check(e2e.wait_until(lambda: not e2e.shows_text("could not be checked"), 30),
              "Check Again clears the failure once Salesforce answers", e2e.accessible_texts())
    tap.check(app.stop() == 0, "app quits cleanly")


def check_rejected_refresh(tap, stand_in):
    notifications = e2e.Notifications()
    control(stand_in, "revoke-refresh-tokens", {"username": INTEGRATION_EMAIL})
    control(stand_in, "expire-access-tokens")
    app = e2e.App()
    app.activate("show-slot", "integration")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Reconnect required"), 30),
              "a rejected refresh token at start-up asks for a new sign-in", e2e.accessible_texts())
    tap.check(e2e.shows_text(INTEGRATION_EMAIL), "the page still names who was connected")
    e2e.screenshot("stored-02-reconnect-required")
    received = e2e.wait_until(lambda: notifications.received(), 10) or []
    tap.check(len(received) == 1, "one desktop notification is sent", received)
    first = received[0] if received else {}
    tap.check(first.get("summary") == "Salesforce connection needs attention",
              "notification says a connection needs attention", first)
    tap.check("integration user" in first.get("body", ""),
              "notification names the integration connection", first)
    tap.check("default" in first.get("actions", []), "notification can be clicked", first)
    if first:
        notifications.click(first["id"])
    tap.check(e2e.wait_until(app.running, 2) and app.running(),
              "clicking the notification keeps the app running")
    tap.check(app.stop() == 0, "app quits cleanly")
    notifications.stop()


def replace_item_with(text):
    """Stores text as the integration item's secret, as a hand edit would."""
    subprocess.run(["secret-tool", "store", "--label=SupportLogic Connect (edited)",
                    "xdg:schema", e2e.SCHEMA, "slot", "integration"],
                   input=text, text=True, check=True)


def check_unreadable_item(tap):
    replace_item_with("{\"version\": 99, \"note\": \"not a credentials document\"")
    app = e2e.App()
    app.activate("show-slot", "integration")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("could not be read"), 30),
              "an unreadable keyring item is reported", e2e.accessible_texts())
    e2e.screenshot("stored-03-unreadable")
    tap.check(app.running(), "an unreadable keyring item does not crash the app")
    app.activate("show-slot", "integration")
    tap.check(e2e.press_button("Remove"), "page offers Remove", e2e.accessible_texts())
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Remove the Stored Connection?"), 10),
              "Remove asks first", e2e.accessible_texts())
    e2e.press_button("_Remove Remove")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("integration") == 0, 20),
              "Remove deletes the unreadable item")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Not connected"), 10),
              "the slot is not connected afterwards", e2e.accessible_texts())
    tap.check(app.stop() == 0, "app quits cleanly")


def lock_keyring():
    subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                    "--object-path", "/org/freedesktop/secrets",
                    "--method", "org.freedesktop.Secret.Service.Lock", f"['{COLLECTION}']"],
                   check=True, capture_output=True)


def prompt_window():
    """The keyring's unlock prompt, shown by gcr-prompter."""
    return e2e.window_exists("Unlock") or e2e.window_exists("Authentication required")


def check_locked_keyring(tap, stand_in):
    app = e2e.App()
    app.activate("connect", "integration")
    tap.check(e2e.wait_until(connected, 60), "connects before the keyring is locked")
    wait_for_dialog_closed()
    stand_in.set_auto_sign_in("bob@acme.example.com")
    app.activate("connect", "user")
    tap.check(e2e.wait_until(lambda: user_connected_as("bob@acme.example.com"), 60),
              "both connections are stored before the keyring is locked")
    wait_for_dialog_closed()
    stand_in.set_auto_sign_in(INTEGRATION_EMAIL)
    tap.check(app.stop() == 0, "app quits cleanly")

    lock_keyring()
    app = e2e.App()
    prompted = e2e.wait_until(prompt_window, 20)
    tap.check(prompted, "reading a locked keyring asks to unlock it")
    e2e.screenshot("stored-04-unlock-prompt")
    if prompted:
        e2e.press("Escape")
    tap.check(not e2e.wait_until(prompt_window, 5),
              "a dismissed unlock prompt is not shown again for the other connection")
    app.activate("show-slot", "integration")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("The keyring is locked"), 20),
              "a dismissed unlock prompt is explained", e2e.accessible_texts())
    e2e.screenshot("stored-05-locked")
    tap.check(e2e.keyring_item_count("integration") == 1, "a locked keyring loses nothing")
    app.activate("show-slot", "integration")
    tap.check(e2e.press_button("Unlock Keyring"), "page offers Unlock Keyring",
              e2e.accessible_texts())
    prompted = e2e.wait_until(prompt_window, 20)
    tap.check(prompted, "Unlock Keyring shows the unlock prompt again")
    if prompted:
        e2e.type_text(KEYRING_PASSWORD)
        e2e.press("Return")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Connected as " + INTEGRATION_EMAIL), 30),
              "after unlocking, the stored connection is shown", e2e.accessible_texts())
    app.activate("show-slot", "user")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Connected as bob@acme.example.com"), 30),
              "unlocking on one page also reads the other connection", e2e.accessible_texts())
    tap.check(app.stop() == 0, "app quits cleanly")


def user_connected_as(email):
    state = e2e.slot_state("user") or {}
    return state.get("state") == "connected" and state.get("email") == email


def wait_for_dialog_closed():
    """Waits, through X rather than the accessibility tree, until the sign-in
    window is gone. GTK 4.8 can abort when an accessibility query reaches a
    window that is being destroyed, so the tree is read only afterwards."""
    e2e.wait_until(lambda: not e2e.window_exists("Sign in to Salesforce"), 60)
    time.sleep(1)


def check_user_problems(tap, stand_in):
    """Problems that a sign-in cannot fix by itself are named on the page
    with what to do, before any writeback fails."""
    app = e2e.App()
    app.activate("show-slot", "user")
    stand_in.set_auto_sign_in("bob@acme.example.com")
    app.activate("connect", "user")
    tap.check(e2e.wait_until(lambda: user_connected_as("bob@acme.example.com"), 60),
              "a user without edit access connects")
    wait_for_dialog_closed()
    tap.check(e2e.wait_until(lambda: e2e.shows_text("edit access to cases"), 20),
              "the page warns that the user cannot edit cases", e2e.accessible_texts())
    e2e.screenshot("stored-06-no-edit-access")

    stand_in.set_auto_sign_in("noapi@acme.example.com")
    app.activate("connect", "user")
    tap.check(e2e.wait_until(lambda: user_connected_as("noapi@acme.example.com"), 60),
              "a user without API access connects")
    wait_for_dialog_closed()
    tap.check(e2e.wait_until(lambda: e2e.shows_text("API Enabled"), 20),
              "the page says API access is not enabled", e2e.accessible_texts())
    tap.check(not e2e.shows_text("edit access to cases"),
              "the previous user's warning is gone")

    stand_in.set_auto_sign_in("unapproved@acme.example.com")
    authorized = stand_in.count("authorize")
    app.activate("connect", "user")
    e2e.wait_until(lambda: stand_in.count("authorize") > authorized, 60)
    wait_for_dialog_closed()
    tap.check(e2e.wait_until(lambda: e2e.shows_text("has not approved"), 60),
              "a user the org has not approved is told to ask the administrator",
              e2e.accessible_texts())
    e2e.screenshot("stored-07-not-approved")
    tap.check(user_connected_as("noapi@acme.example.com"),
              "the refused sign-in keeps the previous connection")
    app.activate("disconnect", "user")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("user") == 0, 30),
              "the user slot is disconnected")
    tap.check(app.stop() == 0, "app quits cleanly")
    stand_in.set_auto_sign_in(INTEGRATION_EMAIL)


def main():
    tap = e2e.Tap()
    stand_in = e2e.StandIn("--auto-sign-in", INTEGRATION_EMAIL)
    e2e.write_settings(stand_in.url)

    app = e2e.App()
    app.activate("connect", "integration")
    tap.check(e2e.wait_until(connected, 60), "integration user connects")
    tap.check(app.stop() == 0, "app quits cleanly")

    check_user_problems(tap, stand_in)
    check_renews_expired_token(tap, stand_in)
    check_offline_keeps_connection(tap, stand_in)
    check_rejected_refresh(tap, stand_in)
    check_unreadable_item(tap)
    check_locked_keyring(tap, stand_in)

    secrets = stand_in.issued_secrets()
    leaks = e2e.find_leaked_secrets(secrets, [e2e.status()[2].stdout])
    tap.check(not leaks, "no code or token in logs, output, command lines or files", leaks)
    stand_in.stop()
    tap.finish()


if __name__ == "__main__":
    main()
