# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the real app sends its network traffic through the system
proxy, with tinyproxy on loopback as the proxy and the stand-in behind it.

GIO picks the proxy for libsoup and for WebKit's network process. Two ways a
system sets one are tried:

1. environment: http_proxy and https_proxy with an empty no_proxy, outside
   GNOME, which glib-networking resolves through libproxy;
2. GNOME: XDG_CURRENT_DESKTOP=GNOME and org.gnome.system.proxy in manual
   mode with an empty ignore-hosts list, which glib-networking's GNOME
   resolver reads from GSettings (here the test's keyfile backend).

This is how glib-networking 2.74 and libproxy 0.4 on Debian 12 behave.

Loopback is normally exempt from the proxy (no_proxy, ignore-hosts), so both
clear that list. Each way connects and disconnects the integration slot. The
app log must show that GIO chose the expected resolver, and the proxy's log
must show the authorize page (loaded by WebKit) and the token, userinfo and
revoke requests (sent by libsoup). Then the proxy is stopped with the settings
unchanged: the dialog must show the failure, Disconnect must report that
revoking failed, and the stand-in must receive nothing, so no request went
around the proxy.
"""

import os
import shutil
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

DIALOG = "Sign in to Salesforce"
EMAIL = "integration@acme.example.com"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost")
# Every variable that could set or bypass a proxy for the app. Each way
# sets the ones it uses and unsets the rest, whatever the test runs in.
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTP_PROXY",
                   "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "XDG_CURRENT_DESKTOP",
                   "GIO_USE_PROXY_RESOLVER")


def use_environment_proxy(proxy, stand_in):
    """Returns the app's environment changes for a proxy set in the
    environment, and writes settings without GNOME proxy settings."""
    e2e.write_settings(stand_in.url)
    changes = dict.fromkeys(PROXY_VARIABLES)
    changes.update({"http_proxy": proxy.url, "https_proxy": proxy.url, "no_proxy": ""})
    return changes


def use_gnome_proxy(proxy, stand_in):
    """Returns the app's environment changes for a GNOME session, and writes
    GNOME proxy settings next to the app's settings."""
    e2e.write_settings(stand_in.url)
    e2e.write_proxy_settings(proxy.port)
    changes = dict.fromkeys(PROXY_VARIABLES)
    changes["XDG_CURRENT_DESKTOP"] = "GNOME"
    return changes


def connected(email):
    state = e2e.slot_state("integration") or {}
    return state.get("state") == "connected" and state.get("email") == email


def proxied(lines, method, path):
    """Returns whether lines hold a request line with method for path on a
    loopback host, in the absolute form a client sends to an HTTP proxy."""
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[0] != method:
            continue
        target = urllib.parse.urlsplit(parts[1])
        if (target.scheme == "http" and target.hostname in LOOPBACK_HOSTS
                and target.path == path):
            return True
    return False


def check_proxy_rejects_other_hosts(tap, proxy, stand_in):
    """127.0.0.2 is loopback but not on the allow list, so a refusal shows
    the filter at work without aiming anything off the machine."""
    port = urllib.parse.urlsplit(stand_in.url).port
    status = proxy.send(f"GET http://127.0.0.2:{port}/ HTTP/1.1", f"127.0.0.2:{port}")
    tap.check(status == 403, "proxy rejects a host outside its allow list", status)
    status = proxy.send(f"CONNECT 127.0.0.1:{port} HTTP/1.1", f"127.0.0.1:{port}")
    tap.check(status == 403, "proxy rejects CONNECT", status)
    status = proxy.send(f"GET {stand_in.url}/__control/requests HTTP/1.1",
                        f"127.0.0.1:{port}")
    tap.check(status == 200, "proxy forwards to the stand-in", status)


def connect_through(tap, label, resolver, proxy, stand_in, env_changes):
    """Connects the integration slot with env_changes and checks that GIO
    chose resolver and that the proxy carried each request of the sign-in."""
    seen = len(proxy.request_lines())
    tokens = stand_in.count("token")
    userinfos = stand_in.count("userinfo")
    app = e2e.App(env_changes=env_changes)
    log_start = len(e2e.log_text(app.log_path))

    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: connected(EMAIL), 180),
              f"{label}: slot connects through the proxy", e2e.slot_state("integration"))
    e2e.screenshot(f"proxy-{label}-connected")
    lines = proxy.request_lines()[seen:]
    tap.check(proxied(lines, "GET", "/services/oauth2/authorize"),
              f"{label}: authorize page went through the proxy", lines)
    tap.check(proxied(lines, "POST", "/services/oauth2/token"),
              f"{label}: token request went through the proxy", lines)
    tap.check(proxied(lines, "GET", "/services/oauth2/userinfo"),
              f"{label}: userinfo request went through the proxy", lines)
    tap.check(stand_in.count("token") == tokens + 1,
              f"{label}: stand-in received one token request", stand_in.requests())
    tap.check(stand_in.count("userinfo") == userinfos + 1,
              f"{label}: stand-in received one userinfo request", stand_in.requests())
    # GIO names the resolver it picks in a debug message, once per process
    # that resolves a proxy: the app itself and WebKit's network process.
    chosen = e2e.log_text(app.log_path)[log_start:].count(
        f"Found default implementation {resolver} ")
    tap.check(chosen >= 2, f"{label}: app and WebKit use the {resolver} resolver", chosen)

    app.activate("disconnect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("integration") == 0, 60),
              f"{label}: disconnect deletes the keyring item")
    tap.check(e2e.wait_until(lambda: proxied(proxy.request_lines()[seen:], "POST",
                                             "/services/oauth2/revoke"), 60),
              f"{label}: revoke request went through the proxy", proxy.request_lines()[seen:])
    tap.check(app.stop() == 0, f"{label}: app quits cleanly")


def stand_in_requests(stand_in):
    return len(stand_in.requests())


def connect_with_proxy_down(tap, label, stand_in, env_changes):
    """Starts a sign-in with the proxy settings pointing at a proxy that is
    not running, and closes the dialog after it shows the failure."""
    received = stand_in_requests(stand_in)
    app = e2e.App(env_changes=env_changes)

    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.window_exists(DIALOG), 60),
              f"{label} down: dialog opens")
    # The accessibility tree of a new window fills in after it is mapped.
    time.sleep(3)
    tap.check(e2e.wait_until(lambda: e2e.window_shows_text(DIALOG, "Could not reach"), 120),
              f"{label} down: dialog shows that Salesforce could not be reached")
    tap.check(e2e.window_shows_text(DIALOG, "proxy server"),
              f"{label} down: dialog names the proxy server")
    tap.check(e2e.window_shows_text(DIALOG, "Try Again"),
              f"{label} down: dialog offers Try Again")
    e2e.screenshot(f"proxy-{label}-down-dialog")
    tap.check(stand_in_requests(stand_in) == received,
              f"{label} down: stand-in receives no request",
              stand_in.requests()[received:])
    tap.check(e2e.keyring_item_count("integration") == 1,
              f"{label} down: failed sign-in keeps the stored connection")

    if e2e.window_exists(DIALOG):
        e2e.focus_window(DIALOG)
        time.sleep(0.5)
        e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: not e2e.window_exists(DIALOG), 20),
              f"{label} down: Escape closes the dialog")
    tap.check(app.stop() == 0, f"{label} down: app quits cleanly")


def disconnect_with_proxy_down(tap, stand_in, env_changes):
    """Disconnects a stored connection with the proxy not running: the
    revoke request must fail instead of reaching the stand-in directly."""
    received = stand_in_requests(stand_in)
    revokes = stand_in.count("revoke")
    app = e2e.App(env_changes=env_changes)

    app.activate("disconnect", "integration")
    tap.check(e2e.wait_until(lambda: e2e.keyring_item_count("integration") == 0, 60),
              "down: disconnect deletes the keyring item")
    tap.check(e2e.wait_until(lambda: e2e.shows_text("could not be revoked"), 60),
              "down: window says the token could not be revoked", e2e.accessible_texts())
    e2e.screenshot("proxy-down-disconnected")
    tap.check(stand_in.count("revoke") == revokes, "down: stand-in receives no revoke request",
              stand_in.requests()[received:])
    tap.check(stand_in_requests(stand_in) == received,
              "down: stand-in receives no request at all",
              stand_in.requests()[received:])
    tap.check(app.stop() == 0, "down: app quits after the failed revoke")


def run_checks(tap, proxy, stand_in):
    check_proxy_rejects_other_hosts(tap, proxy, stand_in)

    connect_through(tap, "environment", "libproxy", proxy, stand_in,
                    use_environment_proxy(proxy, stand_in))
    connect_through(tap, "gnome", "gnome", proxy, stand_in, use_gnome_proxy(proxy, stand_in))

    # A stored connection for the disconnect check, then no proxy at all.
    app = e2e.App(env_changes=use_environment_proxy(proxy, stand_in))
    app.activate("connect", "integration")
    tap.check(e2e.wait_until(lambda: connected(EMAIL), 180), "connects again before the stop")
    app.stop()
    proxy.stop()
    for label, use_proxy in (("environment", use_environment_proxy),
                             ("gnome", use_gnome_proxy)):
        connect_with_proxy_down(tap, label, stand_in, use_proxy(proxy, stand_in))
    disconnect_with_proxy_down(tap, stand_in, use_environment_proxy(proxy, stand_in))

    secrets = stand_in.issued_secrets()
    leaks = e2e.find_leaked_secrets(secrets, [proxy.log()])
    tap.check(not leaks, "no code or token in logs, the proxy log or files", leaks)


def main():
    tap = e2e.Tap()
    if shutil.which("tinyproxy") is None:
        print("Bail out! tinyproxy is not installed: run build-aux/install-deps", flush=True)
        sys.exit(1)

    folder = tempfile.mkdtemp(prefix="sl-proxy-")
    stand_in = e2e.StandIn("--auto-sign-in", EMAIL)
    try:
        proxy = e2e.LoopbackProxy(folder)
        try:
            run_checks(tap, proxy, stand_in)
        finally:
            proxy.stop()
            shutil.copy(proxy.log_path, os.path.join(e2e.artifacts_dir(), "tinyproxy.log"))
    finally:
        stand_in.stop()
        shutil.rmtree(folder, ignore_errors=True)
    tap.finish()


if __name__ == "__main__":
    main()
