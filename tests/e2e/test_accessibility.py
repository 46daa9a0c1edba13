# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the app as a keyboard and screen reader user meets it, through the
AT-SPI tree: every control on each page has an accessible name and is
reachable with Tab, both slots connect with keys alone, state changes and
errors reach the tree, and the shortcuts and About windows show what they
should.

GTK 4.8 names a button with a mnemonic label after its label with and
without the underline ("_Connect Connect"). That is still a name, so the
checks here accept it.
"""

import os
import re
import subprocess
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

sys.path.insert(0, os.path.dirname(__file__))
import sl_e2e as e2e  # noqa: E402

WINDOW = "SupportLogic Connect"
INTEGRATION = "integration@acme.example.com"
BOB = "bob@acme.example.com"
CASE_NUMBER = "00001001"
# The title bar buttons, which GNOME leaves out of the Tab order: the
# keyboard has Super+Up, Super+Down and Ctrl+Q or Escape for them.
WINDOW_CONTROLS = {"Minimize", "Maximize", "Close"}
# Controls that libadwaita 1.2 and GTK 4.8 build into their own windows
# without an accessible name, by window title and the type name that GTK
# reports instead: the search button of the shortcuts window and a button
# of the About window. They are listed in the test output, not failed.
TOOLKIT_UNNAMED = {("Keyboard Shortcuts", "GtkImage"), ("About", "GtkButton")}
# The titles of the main window's stack pages, as the panels holding them
# are named in the tree.
MAIN_PAGES = {"Cases", "Settings", "User Profile"}
# Presses of Tab after which a page's focus chain must have come round.
MAX_TABS = 40

# The roles of the controls a user operates. GtkMenuButton is a push
# button around an inner toggle or push button in GTK 4.8; list items are
# the activatable rows of the sidebar and the settings lists. AT-SPI 2.46
# (Debian 12) has no switch role, and GTK 4.8 reports a GtkSwitch as a
# toggle button there.
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.COMBO_BOX, Atspi.Role.TEXT, Atspi.Role.ENTRY,
    Atspi.Role.PASSWORD_TEXT, Atspi.Role.SPIN_BUTTON, Atspi.Role.LINK,
    Atspi.Role.LIST_ITEM, Atspi.Role.MENU_ITEM, Atspi.Role.CHECK_MENU_ITEM,
}
if hasattr(Atspi.Role, "SWITCH"):
    CONTROL_ROLES.add(Atspi.Role.SWITCH)


def find_window(title):
    """Returns the app's top-level window called title, or None."""
    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is None or application.get_name() != "supportlogic-connect":
            continue
        for child in range(application.get_child_count()):
            window = application.get_child_at_index(child)
            if window is not None and window.get_name() == title:
                return window
    return None


def window_titles():
    desktop = Atspi.get_desktop(0)
    titles = []
    for index in range(desktop.get_child_count()):
        application = desktop.get_child_at_index(index)
        if application is not None and application.get_name() == "supportlogic-connect":
            titles += [application.get_child_at_index(child).get_name()
                       for child in range(application.get_child_count())]
    return titles


def visible_nodes(node, depth=0):
    """Yields node and its descendants whose VISIBLE state is set."""
    if node is None or depth > 60:
        return
    try:
        if not node.get_state_set().contains(Atspi.StateType.VISIBLE):
            return
    except gi.repository.GLib.Error:
        return
    yield node
    for index in range(node.get_child_count()):
        yield from visible_nodes(node.get_child_at_index(index), depth + 1)


def is_inside(node, ancestor):
    while node is not None:
        if node == ancestor:
            return True
        node = node.get_parent()
    return False


def node_and_ancestors(node):
    """Returns node followed by its ancestors up to the root. Each parent
    is a D-Bus round trip, so a chain that is tested against many nodes is
    read once with this instead of with is_inside() for each pair."""
    chain = []
    while node is not None:
        chain.append(node)
        node = node.get_parent()
    return chain


def is_displayed(node, window):
    """Returns whether node is on screen now.

    GTK 4.8 sets VISIBLE on the widgets of stack pages that are not shown,
    sets SHOWING on windows only, and keeps the last size of a page that
    was shown before. So this asks the window which node is at the centre
    of node's area, and node is displayed when that node is node or lies
    inside it. Where GTK finds no node at that point (header bars, whose
    coordinates it reports apart from the content), a non-empty area is
    taken as displayed.
    """
    try:
        area = node.get_extents(Atspi.CoordType.WINDOW)
    except gi.repository.GLib.Error:
        return False
    if area.width <= 0 or area.height <= 0:
        return False
    x = area.x + area.width // 2
    y = area.y + area.height // 2
    hit = window.get_accessible_at_point(x, y, Atspi.CoordType.WINDOW)
    if hit is None:
        return True
    for _ in range(60):
        deeper = hit.get_accessible_at_point(x, y, Atspi.CoordType.WINDOW)
        if deeper is None or deeper == hit:
            break
        hit = deeper
    return is_inside(hit, node)


def main_stack_page(node):
    """Returns the title of the main window's page that contains node, or
    None for the header bars, the sidebar and other windows."""
    while node is not None:
        if node.get_role() == Atspi.Role.PANEL and node.get_name() in MAIN_PAGES:
            return node.get_name()
        node = node.get_parent()
    return None


def page_controls(window, main_page=None):
    """Returns the displayed controls of window, leaving out a control that
    only wraps another one (a menu button around its inner button).

    GTK 4.8 resolves a point query with the bounds a node last had, so
    a page of the main stack that was shown earlier still matches points; a
    node on a main page other than main_page is left out for that reason."""
    found = []
    for node in visible_nodes(window):
        try:
            if (node.get_role() in CONTROL_ROLES
                    and main_stack_page(node) in (None, main_page)
                    and is_displayed(node, window)):
                found.append((node, node.get_name()))
        except gi.repository.GLib.Error:
            # A closing popover's nodes can go away during the walk.
            continue
    found = [node for node, _ in found]
    chains = [node_and_ancestors(node) for node in found]
    return [node for node in found
            if not any(other != node and node in chain
                       for other, chain in zip(found, chains))]


def has_name(node):
    """Returns whether node has a name of its own. GTK 4.8 gives a node
    without one its type name ("GtkImage"), which a screen reader reads out
    as is, so that counts as missing."""
    name = (node.get_name() or "").strip()
    return bool(name) and not re.fullmatch(r"(Gtk|Adw|WebKit)[A-Z]\w*", name)


def header_titles(window):
    """Returns the titles shown in the header bars of window."""
    return sorted(node.get_name() for node in visible_nodes(window)
                  if node.get_role() == Atspi.Role.LABEL and node.get_parent() is not None
                  and node.get_parent().get_parent() is not None
                  and node.get_parent().get_parent().get_name() == "AdwWindowTitle")


def describe(node):
    text = f"{node.get_role_name()} {node.get_name()!r}"
    if not has_name(node):
        parents = []
        parent = node.get_parent()
        while parent is not None and len(parents) < 4:
            parents.append(f"{parent.get_role_name()} {parent.get_name()!r}")
            parent = parent.get_parent()
        text += " in " + " < ".join(parents)
    return text


def focusable_nodes(window):
    return [node for node in visible_nodes(window)
            if node.get_state_set().contains(Atspi.StateType.FOCUSABLE)]


def focused_node(window, candidates=None):
    """Returns the focused node of window, looking only at candidates when
    given: each state read is a D-Bus round trip, and a whole window contains
    hundreds of nodes."""
    nodes = candidates if candidates is not None else visible_nodes(window)
    for node in nodes:
        if node.get_state_set().contains(Atspi.StateType.FOCUSED):
            return node
    # GTK 4.8 reports no focus for the text field of a libadwaita entry row,
    # but Tab selects the whole text of the field it moves into, so a
    # selection shows where the focus is.
    for node in nodes:
        text = node.get_text_iface() if node.get_role() == Atspi.Role.TEXT else None
        if text is not None and text.get_n_selections() > 0:
            return node
    return None


def press_tab(window, candidates, previous):
    """Presses Tab and returns the focused node once it differs from
    previous, or after a second, whichever comes first."""
    subprocess.run(["xdotool", "key", "--clearmodifiers", "Tab"], check=True)
    node = previous
    deadline = time.monotonic() + 1
    while node == previous and time.monotonic() < deadline:
        time.sleep(0.05)
        node = focused_node(window, candidates)
    return node


def tab_round(window, limit=MAX_TABS):
    """Presses Tab until the focus has come back to where it started, and
    returns the nodes it visited in order."""
    candidates = focusable_nodes(window)
    start = focused_node(window, candidates)
    visited = [start] if start is not None else []
    node = start
    for _ in range(limit):
        node = press_tab(window, candidates, node)
        if node is None:
            continue
        if node == visited[0] if visited else False:
            break
        if node not in visited:
            visited.append(node)
    return visited


def reached_by(node, reached, chains):
    """Returns whether Tab reached node, given node_and_ancestors() of each
    node in reached. A list takes one Tab stop and the arrow keys move
    between its rows, so a row counts as reached when Tab reached any row
    of its list."""
    if any(node in chain for chain in chains):
        return True
    if node.get_role() != Atspi.Role.LIST_ITEM:
        return False
    return any(focus.get_role() == Atspi.Role.LIST_ITEM and focus.get_parent() == node.get_parent()
               for focus in reached)


def check_page(tap, page, main_page=None, title=WINDOW):
    """Checks that every control shown in the window called title, on the
    main window's page main_page, has a name and that Tab reaches every
    sensitive one."""
    window = find_window(title)
    if not tap.check(window is not None, f"{page}: window {title!r} is in the tree",
                     window_titles()):
        return
    e2e.focus_window(title)
    time.sleep(0.3)
    e2e.screenshot("a11y-" + re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-"))
    controls = page_controls(window, main_page)
    tap.check(len(controls) > 0, f"{page}: has controls")
    unnamed = []
    for node in controls:
        try:
            if has_name(node):
                continue
            if (title.split(" ")[0] if title.startswith("About") else title,
                    node.get_name()) in TOOLKIT_UNNAMED:
                tap.diag(f"{page}: toolkit control without a name: {describe(node)}")
                continue
            unnamed.append(describe(node))
        except gi.repository.GLib.Error:
            continue
    tap.check(not unnamed, f"{page}: every control has an accessible name", unnamed)
    tap.diag(f"{page}: " + ", ".join(describe(node) for node in controls))

    titles = header_titles(window)
    reached = tab_round(window)
    titles_after = header_titles(window)
    tap.check(titles_after == titles, f"{page}: a round of Tab keeps the page",
              f"before: {titles}, after: {titles_after}")
    tap.diag(f"{page}: Tab order: " + ", ".join(describe(node) for node in reached))
    sensitive = [node for node in controls
                 if node.get_state_set().contains(Atspi.StateType.SENSITIVE)
                 and node.get_name() not in WINDOW_CONTROLS]
    chains = [node_and_ancestors(focus) for focus in reached]
    unreachable = [describe(node) for node in sensitive
                   if not reached_by(node, reached, chains)]
    tap.check(not unreachable, f"{page}: Tab reaches every sensitive control", unreachable)


def slot(name):
    return e2e.slot_state(name) or {}


def wait_connected(name, email, timeout=60):
    return e2e.wait_until(
        lambda: slot(name).get("state") == "connected" and slot(name).get("email") == email,
        timeout)


def focus_by_tab(title, predicate, limit=MAX_TABS):
    """Presses Tab until a focused node satisfies predicate; returns it or None."""
    window = find_window(title)
    candidates = focusable_nodes(window)
    for _ in range(limit):
        node = focused_node(window, candidates)
        if node is not None and predicate(node):
            return node
        e2e.press("Tab")
    return None


def label_of(node):
    """Returns node's name without the mnemonic copy that GTK 4.8 puts in
    front of a button's label ("_Connect Connect" becomes "Connect")."""
    name = node.get_name() or ""
    plain = name.replace("_", "")
    half = len(plain) // 2
    if len(plain) % 2 == 1 and plain[half] == " " and plain[:half] == plain[half + 1:]:
        return plain[:half]
    return name


def named(label):
    return lambda node: label_of(node) == label


def shows_label(text, title=WINDOW):
    """Returns whether a label reading text is on screen in the window."""
    window = find_window(title)
    return any(node.get_role() == Atspi.Role.LABEL and node.get_name() == text
               and is_displayed(node, window) for node in visible_nodes(window))


def status_row_description(displayed_only=True):
    """Returns the descriptions of the list items called Status, of the
    displayed ones only unless displayed_only is false."""
    window = find_window(WINDOW)
    return [node.get_description() for node in visible_nodes(window)
            if node.get_role() == Atspi.Role.LIST_ITEM and node.get_name() == "Status"
            and (not displayed_only or is_displayed(node, window))]


def connect_by_keyboard(tap, slot_name, email, label):
    """Tabs to the displayed Connect button, presses Return and waits until
    slot_name is connected as email."""
    button = focus_by_tab(WINDOW, named("Connect"))
    tap.check(button is not None, f"{label}: Tab reaches Connect")
    e2e.press("Return")
    tap.check(wait_connected(slot_name, email), f"{label}: Return on Connect connects",
              e2e.status()[2].stdout)
    tap.check(e2e.wait_until(lambda: any("Connected" in (text or "")
                                         for text in status_row_description()), 10),
              f"{label}: status row description says Connected", status_row_description())
    # The toast that reports the connection has a close button without an
    # accessible name in libadwaita 1.2; the page checks start once it has
    # timed out (5 seconds by default).
    time.sleep(6)


def check_integration_by_keyboard(tap):
    e2e.focus_window(WINDOW)
    e2e.press("ctrl+2")
    time.sleep(0.5)
    check_page(tap, "Settings", "Settings")
    e2e.press("ctrl+2")
    time.sleep(0.3)
    focus = focused_node(find_window(WINDOW))
    tap.check(focus is not None and label_of(focus) == "Salesforce",
              "Ctrl+2 puts the focus on the Salesforce row", focus and describe(focus))
    e2e.press("Return")
    time.sleep(0.5)
    check_page(tap, "Settings, Salesforce", "Settings")
    connect_by_keyboard(tap, "integration", INTEGRATION, "integration")
    e2e.screenshot("a11y-integration-connected")


def open_profile_by_keyboard(tap):
    """Opens the profile menu with Tab and Return and picks User Profile."""
    e2e.focus_window(WINDOW)
    button = focus_by_tab(WINDOW, lambda node: node.get_name() == "Profile")
    tap.check(button is not None, "Tab reaches the profile menu button")
    e2e.press("Return")
    time.sleep(0.5)
    e2e.screenshot("a11y-profile-menu")
    e2e.press("Return")
    time.sleep(0.5)
    tap.check(e2e.wait_until(lambda: shows_label("User Profile"), 5),
              "profile menu opens the User Profile page")


def check_user_by_keyboard(tap, stand_in):
    stand_in.set_auto_sign_in(BOB)
    e2e.focus_window(WINDOW)
    e2e.press("ctrl+1", "ctrl+3")
    time.sleep(0.5)
    tap.check(shows_label("User Profile"), "Ctrl+3 opens the User Profile page")
    e2e.press("ctrl+1")
    time.sleep(0.5)
    open_profile_by_keyboard(tap)
    check_page(tap, "User Profile", "User Profile")
    e2e.focus_window(WINDOW)
    row = focus_by_tab(WINDOW, lambda node: node.get_role() == Atspi.Role.LIST_ITEM
                       and node.get_name() == "Salesforce")
    tap.check(row is not None, "Tab reaches the User Profile Salesforce row")
    e2e.press("Return")
    time.sleep(0.5)
    check_page(tap, "User Profile, Salesforce", "User Profile")
    connect_by_keyboard(tap, "user", BOB, "user")
    e2e.screenshot("a11y-user-connected")


def check_cases(tap, stand_in):
    e2e.focus_window(WINDOW)
    e2e.press("ctrl+1")
    time.sleep(0.5)
    check_page(tap, "Cases, connected", "Cases")
    queries = stand_in.count("query")
    e2e.press("alt+n", "ctrl+a")
    e2e.type_text(CASE_NUMBER)
    e2e.press("Return")
    tap.check(e2e.wait_until(lambda: stand_in.count("query") > queries, 20)
              and e2e.wait_until(lambda: e2e.shows_text("Printer on floor 3"), 10),
              "case look-up by keyboard shows the case")
    check_page(tap, "Cases, case shown", "Cases")


def check_failed_sign_in(tap, stand_in, app):
    """A failed sign-in on the connected user slot puts the error in the
    tree and in the status row's description."""
    stand_in.add_fault({"endpoint": "token", "status": 500, "times": 1,
                        "content_type": "text/html", "body": "<html>maintenance</html>"})
    tokens = stand_in.count("token")
    app.activate("connect", "user")
    e2e.wait_until(lambda: stand_in.count("token") > tokens, 30)
    e2e.wait_until(lambda: not e2e.window_exists("Sign in to Salesforce"), 20)
    tap.check(e2e.wait_until(lambda: e2e.shows_text("Unexpected response"), 10),
              "failed sign-in error text is in the tree", e2e.accessible_texts())
    e2e.focus_window(WINDOW)
    e2e.screenshot("a11y-failed-sign-in")
    descriptions = status_row_description(displayed_only=False)
    tap.check(any("Unexpected response" in (text or "") for text in descriptions),
              "status row description carries the error", descriptions)


def check_shortcuts_window(tap):
    e2e.focus_window(WINDOW)
    e2e.press("ctrl+question")
    title = e2e.wait_until(lambda: next((name for name in window_titles()
                                         if name == "Keyboard Shortcuts"), None), 10)
    if not tap.check(title is not None, "Ctrl+? opens the shortcuts window", window_titles()):
        return
    for entry in ("Preferences", "Show Cases", "Show Settings", "Show User Profile", "Quit",
                  "Show Shortcuts", "Go Back"):
        tap.check(e2e.window_shows_text(title, entry), f"shortcuts window lists {entry}")
    # The application's accelerators, such as Ctrl+1, show only when the
    # shortcuts window is attached to the window whose actions it lists.
    tap.check(e2e.window_shows_text(title, "Ctrl"), "shortcuts window shows the Ctrl keys")
    check_page(tap, "Shortcuts window", title=title)
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: find_window(title) is None, 10),
              "Escape closes the shortcuts window")


def check_preferences_window(tap):
    e2e.focus_window(WINDOW)
    e2e.press("ctrl+comma")
    if not tap.check(e2e.wait_until(lambda: find_window("Preferences") is not None, 10),
                     "Ctrl+comma opens Preferences", window_titles()):
        return
    time.sleep(0.5)
    check_page(tap, "Preferences window", title="Preferences")
    e2e.focus_window("Preferences")
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: find_window("Preferences") is None, 10),
              "Escape closes Preferences")


def project_version():
    source = os.path.join(os.path.dirname(__file__), "..", "..", "meson.build")
    with open(source) as handle:
        match = re.search(r"version:\s*'([^']+)'", handle.read())
    return match.group(1) if match else None


def check_about_window(tap):
    """Opens About from the primary menu (F10) by its mnemonic."""
    e2e.focus_window(WINDOW)
    e2e.press("F10")
    time.sleep(0.5)
    e2e.screenshot("a11y-primary-menu")
    e2e.press("a")
    title = e2e.wait_until(lambda: next((name for name in window_titles()
                                         if name and name.startswith("About")), None), 10)
    if not tap.check(title is not None, "F10 then A opens the About window", window_titles()):
        return
    time.sleep(0.5)
    tap.check(e2e.window_shows_text(title, "SupportLogic Connect"), "About shows the app name")
    version = project_version()
    tap.check(version is not None and e2e.window_shows_text(title, version),
              "About shows the version", version)
    check_page(tap, "About window", title=title)
    e2e.focus_window(title)
    e2e.press("Escape")
    tap.check(e2e.wait_until(lambda: find_window(title) is None, 10), "Escape closes About")


def main():
    tap = e2e.Tap()
    stand_in = e2e.StandIn("--auto-sign-in", INTEGRATION)
    e2e.write_settings(stand_in.url)
    app = e2e.App()
    tap.check(e2e.wait_until(lambda: find_window(WINDOW) is not None, 20),
              "main window is in the tree under the app's name", window_titles())
    time.sleep(1)

    check_page(tap, "Cases, not connected", "Cases")
    check_integration_by_keyboard(tap)
    check_user_by_keyboard(tap, stand_in)
    check_cases(tap, stand_in)
    check_failed_sign_in(tap, stand_in, app)
    check_preferences_window(tap)
    check_shortcuts_window(tap)
    check_about_window(tap)

    tap.check(app.stop() == 0, "app quits cleanly")
    leaks = e2e.find_leaked_secrets(stand_in.issued_secrets(), [e2e.status()[2].stdout])
    tap.check(not leaks, "no code or token in logs, output, command lines or files", leaks)
    stand_in.stop()
    tap.finish()


if __name__ == "__main__":
    main()
