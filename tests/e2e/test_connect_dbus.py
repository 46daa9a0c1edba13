# SPDX-License-Identifier: GPL-3.0-or-later
"""Connects, reconnects and disconnects the integration slot of the real app
through its D-Bus actions, against the stand-in in auto-sign-in mode, and
checks the result in `--status --json`, the keyring and the stand-in's log."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

INTEGRATION_EMAIL = "integration@acme.example.com"


def connected_as(email):
    state = e2e.slot_state("integration")
    return state if state and state.get("state") == "connected" and state.get("email") == email else None


def main():
    tap = e2e.Tap()
    stand_in = e2e.StandIn("--auto-sign-in", INTEGRATION_EMAIL)
    e2e.write_settings(stand_in.url)

    code, document, result = e2e.status()
    tap.check(code == 0, "status exits 0 with nothing stored", result.stderr)
    tap.check(document is not None and document.get("integration", {}).get("state") == "disconnected",
              "status shows integration disconnected", result.stdout)
    tap.check(document is not None and document.get("user", {}).get("state") == "disconnected",
              "status shows user disconnected", result.stdout)

    app = e2e.App()
    e2e.wait_until(lambda: e2e.shows_text("Salesforce"), 20)
    e2e.screenshot("dbus-01-started")

    app.activate("connect", "integration")
    state = e2e.wait_until(lambda: connected_as(INTEGRATION_EMAIL), 60)
    e2e.screenshot("dbus-02-connected")
    tap.check(state is not None, "connect action connects the integration user", e2e.status()[2].stdout)
    state = state or {}
    tap.check(state.get("username") == INTEGRATION_EMAIL, "status shows the username")
    tap.check(state.get("instance_url", "").startswith("http://localhost:"),
              "status shows the instance URL from the token response")
    tap.check(state.get("org_id", "").startswith("00D"), "status shows the org ID")
    tap.check(state.get("user_id", "").startswith("005"), "status shows the user ID")
    tap.check(bool(state.get("connected_at")), "status shows when it was connected")
    raw = e2e.status()[2].stdout
    tap.check("token" not in raw and "!" not in raw, "status output holds no token", raw)
    tap.check(e2e.keyring_item_count("integration") == 1, "keyring holds one integration item")
    tap.check(e2e.keyring_item_count("user") == 0, "keyring holds no user item")
    tap.check(stand_in.count("token") == 1, "one token request was made")
    tap.check(stand_in.count("userinfo") == 1, "one userinfo request was made")
    tap.check(not e2e.window_exists("Sign in to Salesforce"), "sign-in dialog closed after success")
    tap.check(e2e.wait_until(lambda: not e2e.descendant_processes(app.process.pid, "WebKit"), 15),
              "no WebKit process outlives the sign-in dialog",
              e2e.descendant_processes(app.process.pid, "WebKit"))

    # A failed sign-in on a connected slot must leave the connection alone.
    stand_in.add_fault({"endpoint": "token", "status": 500, "times": 1,
                        "content_type": "text/html", "body": "<html>maintenance</html>"})
    app.activate("connect", "integration")
    e2e.wait_until(lambda: stand_in.count("token") == 2, 30)
    e2e.wait_until(lambda: not e2e.window_exists("Sign in to Salesforce"), 20)
    e2e.screenshot("dbus-03-failed-sign-in")
    tap.check(connected_as(INTEGRATION_EMAIL) is not None, "failed sign-in keeps the connection")
    tap.check(e2e.keyring_item_count("integration") == 1, "failed sign-in keeps the keyring item")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Unexpected response"), 10),
              "failed sign-in is reported in the window", e2e.accessible_texts())

    # A new start shows what the keyring holds, with the stand-in gone.
    tap.check(app.stop() == 0, "app quits cleanly")
    stand_in.stop()
    app = e2e.App()
    e2e.press("ctrl+2")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Connected as " + INTEGRATION_EMAIL), 20),
              "restarted app shows the stored connection without network", e2e.accessible_texts())
    e2e.screenshot("dbus-04-restarted-offline")

    # Disconnect deletes the keyring item even though revoking fails offline.
    app.activate("disconnect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("integration") == 0, 30),
              "disconnect deletes the keyring item")
    state = e2e.slot_state("integration") or {}
    tap.check(state.get("state") == "disconnected", "status shows disconnected after disconnect", state)
    tap.check(e2e.wait_until(lambda: e2e.shows_text("revoked"), 10),
              "window says the token could not be revoked", e2e.accessible_texts())
    e2e.screenshot("dbus-05-disconnected")

    # Disconnect with the stand-in up revokes the refresh token.
    stand_in = e2e.StandIn("--auto-sign-in", INTEGRATION_EMAIL)
    e2e.write_settings(stand_in.url)
    app.stop()
    app = e2e.App()
    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: connected_as(INTEGRATION_EMAIL), 60) is not None,
              "connects again after a disconnect")
    app.activate("disconnect", "integration")
    tap.check(e2e.wait_until(lambda: stand_in.count("revoke") == 1, 30),
              "disconnect sends one revoke request")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("integration") == 0, 30),
              "disconnect deletes the item after revoking")

    app.activate("connect", "nonsense")
    tap.check(app.running(), "unknown slot name does not crash the app")
    tap.check(app.stop() == 0, "app quits cleanly at the end")

    secrets = stand_in.issued_secrets()
    tap.check(len(secrets) >= 3, "stand-in lists the codes and tokens it issued", len(secrets))
    leaks = e2e.find_leaked_secrets(secrets, [e2e.status()[2].stdout])
    tap.check(not leaks, "no code or token in logs, output, command lines or files", leaks)
    stand_in.stop()
    tap.finish()


if __name__ == "__main__":
    main()
