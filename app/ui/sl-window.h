/* sl-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "sl-application.h"

G_BEGIN_DECLS

#define SL_TYPE_WINDOW (sl_window_get_type ())

G_DECLARE_FINAL_TYPE (SlWindow, sl_window, SL, WINDOW, AdwApplicationWindow)

SlWindow *sl_window_new       (SlApplication *application);

/* Shows @text in a toast at the bottom of the window. */
void      sl_window_add_toast (SlWindow      *self,
                               const char    *text);

/* Navigates to the page of @slot, so the result of an action started from
 * outside the window (D-Bus, a link) is visible. */
void      sl_window_show_slot (SlWindow      *self,
                               const char    *slot);

G_END_DECLS
