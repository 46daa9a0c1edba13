/* sl-sign-in-flow.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "sl-connection.h"
#include "sl-token-client.h"

G_BEGIN_DECLS

#define SL_TYPE_SIGN_IN_FLOW (sl_sign_in_flow_get_type ())

G_DECLARE_FINAL_TYPE (SlSignInFlow, sl_sign_in_flow, SL, SIGN_IN_FLOW, GObject)

/**
 * SlSignInFlow:
 *
 * One interactive sign-in of a slot: it opens an SlSignInDialog on a fresh
 * SlSignIn, completes the attempt with the redirect, stores the
 * credentials and reports failures on @connection. "finished" (gboolean
 * connected) is emitted once, after the dialog has been closed.
 *
 * The redirect comes from the dialog's web view, from the scheme handler
 * (sl_sign_in_flow_handle_callback()) or, after the user moved to the
 * system browser, from an address pasted into the dialog. A pasted address
 * that is not a redirect of this attempt is explained in the dialog, which
 * keeps waiting. An error response such as access_denied ends the sign-in.
 */
SlSignInFlow *sl_sign_in_flow_new             (SlConnection  *connection,
                                               SlTokenClient *client,
                                               gboolean       force_login);

void          sl_sign_in_flow_start           (SlSignInFlow  *self,
                                               GtkWindow     *parent);
void          sl_sign_in_flow_present         (SlSignInFlow  *self);
void          sl_sign_in_flow_cancel          (SlSignInFlow  *self);
SlConnection *sl_sign_in_flow_get_connection  (SlSignInFlow  *self);

/* Returns TRUE when the dialog still waits for the redirect and @state is
 * the `state` of this attempt. */
gboolean      sl_sign_in_flow_expects_state   (SlSignInFlow  *self,
                                               const char    *state);
/* Hands a redirect URI that arrived through the scheme handler to the
 * waiting dialog. Returns FALSE when the flow no longer waits for one. */
gboolean      sl_sign_in_flow_handle_callback (SlSignInFlow  *self,
                                               const char    *uri);

G_END_DECLS
