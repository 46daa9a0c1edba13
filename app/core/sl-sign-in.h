/* sl-sign-in.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sl-auth-request.h"
#include "sl-credentials.h"
#include "sl-token-client.h"

G_BEGIN_DECLS

#define SL_TYPE_SIGN_IN (sl_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (SlSignIn, sl_sign_in, SL, SIGN_IN, GObject)

/* One sign-in attempt for @slot: it owns a fresh SlAuthRequest and turns the
 * redirect that ends the browser part into complete credentials (code
 * exchange, then userinfo). It never touches the keyring. */
SlSignIn      *sl_sign_in_new            (SlTokenClient  *client,
                                          const char     *slot,
                                          gboolean        force_login);

const char    *sl_sign_in_get_slot       (SlSignIn       *self);
SlAuthRequest *sl_sign_in_get_request    (SlSignIn       *self);
const char    *sl_sign_in_get_authorize_uri (SlSignIn    *self);

/* Completes the attempt with the redirect @callback_uri: checks it with
 * sl_oauth_parse_callback(), exchanges the code with the PKCE verifier and
 * fetches the identity. An attempt accepts one callback only: a second call
 * fails with SL_OAUTH_ERROR_ALREADY_USED, so a code is never sent twice. */
void           sl_sign_in_complete_async  (SlSignIn            *self,
                                           const char          *callback_uri,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
SlCredentials *sl_sign_in_complete_finish (SlSignIn            *self,
                                           GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
