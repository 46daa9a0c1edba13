# SPDX-License-Identifier: GPL-3.0-or-later
"""Takes the README's screenshots of the real app against the stand-in.

Run it through build-aux/screenshots, which provides the environment the
end-to-end tests use. Each picture is cropped to the app's main window.

    take_screenshots.py OUTPUT-DIR          every picture (Salesforce page,
                                            sign-in window, User Profile,
                                            Cases page, Preferences)
    take_screenshots.py OUTPUT-DIR NAME     only the connected Salesforce page
"""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

WINDOW = "SupportLogic Connect"


def save_window(name, output_dir, title=WINDOW):
    """Saves the window called title as output_dir/name.png."""
    window = subprocess.run(["xdotool", "search", "--name", f"^{title}$"],
                            capture_output=True, text=True, check=True).stdout.split()[0]
    path = os.path.join(output_dir, name + ".png")
    subprocess.run(["import", "-window", window, path], check=True)
    print(f"saved {path}")


def main():
    output_dir = sys.argv[1]
    os.makedirs(output_dir, exist_ok=True)
    stand_in = e2e.StandIn("--auto-sign-in", "integration@acme.example.com")
    e2e.write_settings(stand_in.url)
    app = e2e.App()
    e2e.wait_until(lambda: e2e.shows_text("Salesforce"), 30)

    # The sign-in window with the stand-in's login form.
    stand_in.set_auto_sign_in(None)
    app.activate("connect", "integration")
    if not e2e.wait_until(lambda: stand_in.last_page() == "login", 60):
        sys.exit("the login page did not load")
    time.sleep(3)
    save_window("sign-in", output_dir, "Sign in to Salesforce")
    e2e.focus_window("Sign in to Salesforce")
    e2e.press("Escape")
    e2e.wait_until(lambda: not e2e.window_exists("Sign in to Salesforce"), 20)

    stand_in.set_auto_sign_in("integration@acme.example.com")
    app.activate("connect", "integration")
    # Polled through --status, not the accessibility tree: GTK 4.8 can abort
    # when an accessibility client asks about a window that is being
    # destroyed, as the sign-in window is here.
    if not e2e.wait_until(lambda: (e2e.slot_state("integration") or {}).get("state")
                          == "connected", 60):
        sys.exit("the app did not connect")
    # Let the "Connected as" toast time out, so the page is seen as it stays.
    time.sleep(7)
    save_window("connected", output_dir)

    # The agent's own account, then a case looked up on the Cases page.
    stand_in.set_auto_sign_in("alice@acme.example.com")
    app.activate("connect", "user")
    if not e2e.wait_until(lambda: (e2e.slot_state("user") or {}).get("state") == "connected", 60):
        sys.exit("the agent's account did not connect")
    time.sleep(7)
    subprocess.run(["gdbus", "call", "--session", "--dest", e2e.APP_ID,
                    "--object-path", e2e.APP_PATH + "/window/1",
                    "--method", "org.gtk.Actions.Activate", "show-profile", "[]", "{}"],
                   check=True, capture_output=True)
    time.sleep(1)
    save_window("profile", output_dir)

    e2e.focus_window(f"^{WINDOW}$")
    e2e.press("ctrl+1")
    time.sleep(0.5)
    e2e.type_text("00001001")
    e2e.press("Return")
    if not e2e.wait_until(lambda: e2e.shows_text("Printer on floor 3"), 30):
        sys.exit("the case was not found")
    e2e.press("alt+c")
    e2e.type_text("Replaced the toner cartridge; printing works again.")
    time.sleep(1)
    save_window("cases", output_dir)

    e2e.press("ctrl+comma")
    if not e2e.wait_until(lambda: e2e.window_exists("^Preferences$"), 20):
        sys.exit("Preferences did not open")
    time.sleep(1)
    save_window("preferences", output_dir, "Preferences")

    app.stop()
    stand_in.stop()


def take_connected_only(output_dir, name):
    """Saves only the connected Salesforce page, as output_dir/name.png.

    build-aux/screenshots calls this with the app's language set in the
    environment, for the translated pictures.
    """
    stand_in = e2e.StandIn("--auto-sign-in", "integration@acme.example.com")
    e2e.write_settings(stand_in.url)
    app = e2e.App()

    app.activate("connect", "integration")
    if not e2e.wait_until(lambda: e2e.shows_text("integration@acme.example.com"), 60):
        sys.exit("the app did not connect")
    time.sleep(7)
    save_window(name, output_dir)

    app.stop()
    stand_in.stop()


if __name__ == "__main__":
    if len(sys.argv) > 2:
        take_connected_only(sys.argv[1], sys.argv[2])
    else:
        main()
