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
 *
 * "Use Your Browser Instead" opens the same @authorize_uri in the default
 * browser, destroys the web view and shows a waiting page. Its Copy Link
 * button copies @authorize_uri, and text pasted there and confirmed with
 * Continue is emitted unchecked as "callback-pasted" (string). The owner
 * either passes it on with sl_sign_in_dialog_receive_callback() or explains
 * the rejection with sl_sign_in_dialog_reject_pasted().
 *
 * "purpose" (string) names the connection the sign-in is for. It is shown
 * under the header bar, so that two open dialogs look different.
 */
/* The dialog is loaded on demand, with WebKitGTK, from a module of its own
 * (see sl-sign-in-dialog-loader.c). Call this before any other function
 * here; it does nothing once the module is loaded. */
gboolean        sl_sign_in_dialog_load             (GError        **error);

SlSignInDialog *sl_sign_in_dialog_new              (GtkWindow      *parent,
                                                    const char     *authorize_uri);

/* Ends the browser part with @uri as if the page had navigated to it, for
 * callbacks that arrive through the scheme handler. Returns FALSE, doing
 * nothing, when a callback was already received. */
gboolean        sl_sign_in_dialog_receive_callback (SlSignInDialog *self,
                                                    const char     *uri);
gboolean        sl_sign_in_dialog_has_callback     (SlSignInDialog *self);

/* Shows @reason, a translated sentence, below the paste field and keeps
 * waiting for the browser. */
void            sl_sign_in_dialog_reject_pasted    (SlSignInDialog *self,
                                                    const char     *reason);

G_END_DECLS
