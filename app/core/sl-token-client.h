/* sl-token-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "sl-credentials.h"
#include "sl-oauth-config.h"

G_BEGIN_DECLS

#define SL_TYPE_TOKEN_CLIENT (sl_token_client_get_type ())

G_DECLARE_FINAL_TYPE (SlTokenClient, sl_token_client, SL, TOKEN_CLIENT, GObject)

/* Creates a client for the endpoints of @config's login host. It owns one
 * SoupSession that follows the system proxy settings and uses the config's
 * timeout for every request. */
SlTokenClient *sl_token_client_new                 (SlOAuthConfig        *config);

SlOAuthConfig *sl_token_client_get_config          (SlTokenClient        *self);
SoupSession   *sl_token_client_get_session         (SlTokenClient        *self);

/* POSTs `grant_type=authorization_code` with @code and @code_verifier to
 * `{login_host}/services/oauth2/token`. The result holds the token fields
 * and login_host; the identity fields are NULL. */
void           sl_token_client_exchange_code_async  (SlTokenClient       *self,
                                                     const char          *code,
                                                     const char          *code_verifier,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SlCredentials *sl_token_client_exchange_code_finish (SlTokenClient       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* POSTs `grant_type=refresh_token` with @refresh_token and the client ID to
 * `{login_host}/services/oauth2/token`. The result holds the new access
 * token, instance URL, scope, issued_at and login_host; its refresh_token
 * is set only when the org rotates refresh tokens, and its identity fields
 * are NULL. A revoked or expired refresh token or a deactivated user fails
 * with SL_OAUTH_ERROR_INVALID_GRANT. */
void           sl_token_client_refresh_async        (SlTokenClient       *self,
                                                     const char          *refresh_token,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
SlCredentials *sl_token_client_refresh_finish       (SlTokenClient       *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* GETs `{instance_url}/services/oauth2/userinfo` with @credentials' access
 * token and returns a copy of @credentials with the identity fields set. */
void           sl_token_client_fetch_identity_async  (SlTokenClient       *self,
                                                      const SlCredentials *credentials,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SlCredentials *sl_token_client_fetch_identity_finish (SlTokenClient       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* POSTs @token to `{login_host}/services/oauth2/revoke`. */
void           sl_token_client_revoke_async  (SlTokenClient       *self,
                                              const char          *token,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean       sl_token_client_revoke_finish (SlTokenClient       *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Parsers of the token and userinfo responses, public so they can be tested
 * and fuzzed without a server. @content_type may be NULL. On failure they
 * return NULL with an SL_OAUTH_ERROR and never include the body in the
 * message. */
SlCredentials *sl_token_client_parse_token_response (guint                status,
                                                     const char          *content_type,
                                                     GBytes              *body,
                                                     GError             **error);
gboolean       sl_token_client_parse_userinfo       (guint                status,
                                                     const char          *content_type,
                                                     GBytes              *body,
                                                     SlCredentials       *credentials,
                                                     GError             **error);

/* Maps a transport error of libsoup or GIO to SL_OAUTH_ERROR_NETWORK or
 * _TIMED_OUT with a translated message; G_IO_ERROR_CANCELLED is passed on
 * unchanged. */
GError        *sl_token_client_map_transport_error  (const GError        *error);

G_END_DECLS
