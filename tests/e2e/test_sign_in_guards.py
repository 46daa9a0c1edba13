# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the guards of the sign-in dialog in the real app.

1. A login host with an untrusted (self-signed) certificate: the dialog
   stops with the certificate error and Try Again, and nothing connects.
2. A hostile login page that tries top-level navigations to file:, data:
   and javascript: URLs, pop-ups, a target=_blank link, downloads and a form
   POST to a non-http scheme: none of them gets out, and the dialog stays on
   the stand-in's page.
3. Closing the dialog while the token request is pending: nothing is
   stored, and the late token response does not crash the app.
"""

import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

DIALOG = "Sign in to Salesforce"
USERNAME = "integration@acme.example.com"
CERTIFICATE_ERROR = "security certificate is not trusted"
# Long enough to close the dialog while the token request waits.
TOKEN_DELAY_MS = 8000


def slot_is(state_name):
    return (e2e.slot_state("integration") or {}).get("state") == state_name


def close_dialog(tap, label):
    """Closes the sign-in dialog with Escape and checks that it is gone."""
    e2e.focus_window(DIALOG)
    time.sleep(0.5)
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 15),
              f"{label}: Escape closes the dialog")


def check_tls_error(tap, folder):
    certificate, key = e2e.make_self_signed_certificate(folder)
    stand_in = e2e.HttpsStandIn(certificate, key, "--auto-sign-in", USERNAME)
    e2e.write_settings(stand_in.url)
    app = e2e.App()
    # With GTK 4.8 the app is missing from the accessibility tree when a
    # sign-in window opens before the main window was announced there.
    e2e.wait_until(lambda: e2e.shows_text("Salesforce"), 30)

    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 30), "tls: dialog opens")
    # The accessibility tree of a new window fills in after it is mapped.
    time.sleep(3)
    tap.check(e2e.wait_until(lambda: e2e.window_shows_text(DIALOG, CERTIFICATE_ERROR), 90),
              "tls: dialog shows the certificate error")
    tap.check(e2e.window_shows_text(DIALOG, "Try Again"), "tls: dialog offers Try Again")
    tap.check(e2e.window_shows_text(DIALOG, "127.0.0.1 — Not secure"),
              "tls: title bar marks the host as not secure")
    e2e.screenshot("guards-01-tls-error")
    # WebKit rejects the certificate during the handshake, so the stand-in
    # usually records no request at all; none may reach the token endpoint.
    tap.check(stand_in.count("token") == 0, "tls: no token request", stand_in.requests())
    tap.check(slot_is("disconnected"), "tls: slot stays disconnected",
              e2e.slot_state("integration"))

    close_dialog(tap, "tls")
    tap.check(app.running(), "tls: app is still running")
    tap.check(slot_is("disconnected"), "tls: slot disconnected after closing",
              e2e.slot_state("integration"))
    tap.check(app.stop() == 0, "tls: app quits cleanly")
    stand_in.stop()
    os.environ.pop("CURL_CA_BUNDLE", None)


def download_folders():
    """Every folder of the session a download could be written to."""
    return [os.environ[name] for name in ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                                          "XDG_CONFIG_HOME") if name in os.environ]


def check_hostile_page(tap):
    stand_in = e2e.StandIn("--hostile-login-page")
    e2e.write_settings(stand_in.url)
    app = e2e.App()
    # With GTK 4.8 the app is missing from the accessibility tree when a
    # sign-in window opens before the main window was announced there.
    e2e.wait_until(lambda: e2e.shows_text("Salesforce"), 30)
    log_start = len(e2e.log_text(app.log_path))

    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 30), "hostile: dialog opens")
    tap.check(e2e.wait_until(lambda: stand_in.last_page() == "hostile", 30),
              "hostile: authorize serves the hostile page", stand_in.pages())
    tap.check(e2e.wait_until(lambda: "done" in e2e.beacons(stand_in), 60),
              "hostile: page runs to its last step while still loaded", e2e.beacons(stand_in))
    # A late escape would still be on its way: give it time to arrive.
    time.sleep(3)
    e2e.screenshot("guards-02-hostile-page")

    # NOTE: WebKit runs a javascript: URL inside the page without asking
    # decide-policy, so the dialog cannot block it. It has no more power
    # than the page's own script, so it is left out of the escapes.
    escaped = [name for name in e2e.beacons(stand_in)
               if name.startswith("escaped:") and name != "escaped:javascript"]
    tap.check(escaped == [], "hostile: no escape reaches the stand-in", escaped)
    files = e2e.files_under(download_folders(), name_fragment="sl-hostile",
                            content=b"sl-stand-in test download")
    tap.check(files == [], "hostile: no download is written", files)
    tap.check(app.running(), "hostile: app is still running")
    tap.check(e2e.window_exists(DIALOG), "hostile: dialog is still open")
    tap.check(e2e.window_shows_text(DIALOG, "127.0.0.1"),
              "hostile: dialog still shows the stand-in host")
    app_log = e2e.log_text(app.log_path)[log_start:]
    tap.check("Login page failed to load" not in app_log,
              "hostile: no blocked navigation turns into a failed load")
    tap.check(stand_in.count("token") == 0, "hostile: no token request", stand_in.requests())

    close_dialog(tap, "hostile")
    tap.check(e2e.wait_until(lambda: slot_is("disconnected"), 10),
              "hostile: slot is disconnected after Cancel", e2e.slot_state("integration"))
    tap.check(e2e.keyring_item_count("integration") == 0, "hostile: nothing is stored")
    tap.check(app.stop() == 0, "hostile: app quits cleanly")
    stand_in.stop()


def token_finished(stand_in):
    """Whether the stand-in has answered (or dropped) the delayed token request."""
    records = [r for r in stand_in.requests() if r.get("endpoint") == "token"]
    return bool(records) and all(r.get("status", 0) != 0 for r in records)


def check_close_while_token_pending(tap):
    stand_in = e2e.StandIn("--auto-sign-in", USERNAME,
                           "--fault", f"token:delay-ms={TOKEN_DELAY_MS}")
    e2e.write_settings(stand_in.url)
    app = e2e.App()
    # With GTK 4.8 the app is missing from the accessibility tree when a
    # sign-in window opens before the main window was announced there.
    e2e.wait_until(lambda: e2e.shows_text("Salesforce"), 30)

    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 30), "pending: dialog opens")
    tap.check(e2e.wait_until(lambda: stand_in.count("token") > 0, 30),
              "pending: token request is sent", stand_in.requests())
    tap.check(not token_finished(stand_in), "pending: token response is still delayed",
              stand_in.requests())
    close_dialog(tap, "pending")
    tap.check(e2e.keyring_item_count("integration") == 0, "pending: nothing stored on close")

    # The delayed response goes out after the dialog closed.
    tap.check(e2e.wait_until(lambda: token_finished(stand_in), TOKEN_DELAY_MS / 1000 + 15),
              "pending: stand-in answers the token request later", stand_in.requests())
    time.sleep(2)
    tap.check(app.running(), "pending: app survives the late token response")
    tap.check(slot_is("disconnected"), "pending: slot stays disconnected",
              e2e.slot_state("integration"))
    tap.check(e2e.keyring_item_count("integration") == 0, "pending: nothing stored later")
    tap.check(stand_in.count("userinfo") == 0, "pending: sign-in does not go on to userinfo",
              stand_in.requests())
    leaks = e2e.find_leaked_secrets(stand_in.issued_secrets())
    tap.check(leaks == [], "pending: no code or token in logs or files", leaks)
    tap.check(app.stop() == 0, "pending: app quits cleanly")
    stand_in.stop()


def main():
    tap = e2e.Tap()
    with tempfile.TemporaryDirectory(dir=os.environ.get("HOME")) as folder:
        check_tls_error(tap, folder)
    check_hostile_page(tap)
    check_close_while_token_pending(tap)
    tap.finish()


if __name__ == "__main__":
    main()
