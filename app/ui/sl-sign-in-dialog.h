/* sl-sign-in-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SL_TYPE_SIGN_IN_DIALOG (sl_sign_in_dialog_get_type ())

G_DECLARE_FINAL_TYPE (SlSignInDialog, sl_sign_in_dialog, SL, SIGN_IN_DIALOG, AdwWindow)

/**
 * SlSignInDialog:
 *
 * A modal window that shows the Salesforce login page of @authorize_uri in
 * a web view on an ephemeral network session. It never loads the redirect
 * URI: a navigation to it is stopped and emitted as "callback-received"
 * (string URI), after which the web view is destroyed and a spinner shows
 * until the owner closes the window. Cancel, Escape or closing the window
 * before that emit "cancelled".
 */
SlSignInDialog *sl_sign_in_dialog_new              (GtkWindow      *parent,
                                                    const char     *authorize_uri);

/* Ends the browser part with @uri as if the page had navigated to it, for
 * callbacks that arrive through the scheme handler. Returns FALSE, doing
 * nothing, when a callback was already received. */
gboolean        sl_sign_in_dialog_receive_callback (SlSignInDialog *self,
                                                    const char     *uri);
gboolean        sl_sign_in_dialog_has_callback     (SlSignInDialog *self);

G_END_DECLS
