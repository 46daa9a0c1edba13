# SPDX-License-Identifier: GPL-3.0-or-later
"""Takes the README's screenshots of the real app against the stand-in.

Run it through build-aux/screenshots, which provides the environment the
end-to-end tests use. Each picture is cropped to the app's main window.
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

    app.activate("connect", "integration")
    if not e2e.wait_until(lambda: e2e.shows_text("integration@acme.example.com"), 60):
        sys.exit("the app did not connect")
    # Let the "Connected as" toast time out, so the page is seen as it stays.
    time.sleep(7)
    save_window("connected", output_dir)

    app.stop()
    stand_in.stop()


if __name__ == "__main__":
    main()
