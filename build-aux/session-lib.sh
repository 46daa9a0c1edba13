# SPDX-License-Identifier: GPL-3.0-or-later
#
# Shell functions shared by the scripts that start a private desktop session
# (tests/run-isolated and build-aux/demo). Source it with bash; the caller
# owns the array "pids" of processes to stop at exit.

# Starts gnome-keyring-daemon with only the secrets component on the current
# session bus and unlocks (or creates) its login keyring with password $1.
# Returns when org.freedesktop.secrets is on the bus, or fails after 10 s.
sl_start_keyring() {
    printf '%s' "$1" | gnome-keyring-daemon --foreground --unlock --components=secrets \
        >/dev/null 2>&1 &
    pids+=($!)
    local _
    for _ in $(seq 100); do
        if gdbus call --session --dest org.freedesktop.DBus \
                --object-path /org/freedesktop/DBus \
                --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets \
                2>/dev/null | grep -q true; then
            return 0
        fi
        sleep 0.1
    done
    echo "gnome-keyring-daemon did not appear on the session bus within 10 s" >&2
    return 1
}

# WebKit runs its web processes in a bubblewrap sandbox. Some containers
# forbid the namespaces bubblewrap needs; there WebKit would fail to show
# any page, so the sandbox is switched off with a warning.
sl_check_webkit_sandbox() {
    if ! bwrap --ro-bind / / true 2>/dev/null; then
        echo "warning: bubblewrap cannot create a sandbox here; WebKit runs without it" >&2
        export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1
    fi
}
