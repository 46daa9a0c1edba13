# SPDX-License-Identifier: GPL-3.0-or-later
"""A stand-in desktop notification server for the end-to-end tests.

It owns org.freedesktop.Notifications on the test's private session bus and
appends each notification it receives to a file, one JSON object per line
(summary, body, actions). Calling its extra method Invoke(id, action) emits
ActionInvoked as if the user had clicked the notification.

    fake_notifications.py RECORD-FILE
"""

import json
import sys

import gi
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="Invoke">
      <arg type="u" direction="in"/><arg type="s" direction="in"/>
    </method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
</node>
"""

PATH = "/org/freedesktop/Notifications"
NAME = "org.freedesktop.Notifications"


def main():
    record_path = sys.argv[1]
    next_id = [1]

    def on_call(connection, sender, path, interface, method, params, invocation):
        if method == "Notify":
            app_name, _, _, summary, body, actions, _, _ = params.unpack()
            with open(record_path, "a") as record:
                record.write(json.dumps({"id": next_id[0], "app_name": app_name,
                                         "summary": summary, "body": body,
                                         "actions": actions}) + "\n")
            invocation.return_value(GLib.Variant("(u)", (next_id[0],)))
            next_id[0] += 1
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("fake", "tests", "1", "1.2")))
        elif method == "Invoke":
            connection.emit_signal(None, PATH, NAME, "ActionInvoked", params)
            invocation.return_value(None)
        else:
            invocation.return_value(None)

    def on_bus(connection, name):
        info = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
        connection.register_object(PATH, info.interfaces[0], on_call, None, None)

    loop = GLib.MainLoop()
    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE,
                     on_bus, None, lambda *args: loop.quit())
    loop.run()


if __name__ == "__main__":
    main()
