/* sl-auth-request.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sl-oauth-config.h"

G_BEGIN_DECLS

#define SL_TYPE_AUTH_REQUEST (sl_auth_request_get_type ())

G_DECLARE_FINAL_TYPE (SlAuthRequest, sl_auth_request, SL, AUTH_REQUEST, GObject)

/* Creates one authorization request: a fresh `state` (256 bits) and PKCE
 * verifier (64 random bytes, 86 characters) from getrandom(2), and the S256
 * challenge. @force_login adds `prompt=login` so another account can sign in.
 * The verifier is wiped from memory when the request is finalized. */
SlAuthRequest *sl_auth_request_new                (SlOAuthConfig *config,
                                                   gboolean       force_login);

SlOAuthConfig *sl_auth_request_get_config         (SlAuthRequest *self);
const char    *sl_auth_request_get_state          (SlAuthRequest *self);
const char    *sl_auth_request_get_code_verifier  (SlAuthRequest *self);
const char    *sl_auth_request_get_code_challenge (SlAuthRequest *self);
gboolean       sl_auth_request_get_force_login    (SlAuthRequest *self);

/* The full `{login_host}/services/oauth2/authorize?...` URI. */
const char    *sl_auth_request_get_uri            (SlAuthRequest *self);

/* Returns BASE64URL(SHA256(@verifier)) without padding (RFC 7636 S256). */
char          *sl_auth_compute_code_challenge     (const char    *verifier);

G_END_DECLS
