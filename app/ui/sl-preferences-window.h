/* sl-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-connection.h"

G_BEGIN_DECLS

#define SL_TYPE_PREFERENCES_WINDOW (sl_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (SlPreferencesWindow, sl_preferences_window,
                      SL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/**
 * SlPreferencesWindow:
 *
 * The Preferences window, which edits the keys of the
 * com.supportlogic.Connect schema in @settings and writes each value as soon
 * as it is valid. Keys that are not writable (locked with dconf) are shown
 * insensitive. @integration and @user, each of which may be NULL, are only
 * read: when one of them is connected, changing the login server or the
 * consumer key shows a warning, and nothing is disconnected.
 */
GtkWidget *sl_preferences_window_new (GtkWindow    *parent,
                                      GSettings    *settings,
                                      SlConnection *integration,
                                      SlConnection *user);

G_END_DECLS
