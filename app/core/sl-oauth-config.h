/* sl-oauth-config.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SL_OAUTH_REDIRECT_URI "com.supportlogic.connect:/oauth2/callback"
#define SL_OAUTH_DEFAULT_SCOPES "api refresh_token openid"
#define SL_OAUTH_DEFAULT_TIMEOUT_SECONDS 30

#define SL_TYPE_OAUTH_CONFIG (sl_oauth_config_get_type ())

G_DECLARE_FINAL_TYPE (SlOAuthConfig, sl_oauth_config, SL, OAUTH_CONFIG, GObject)

/* Validates @login_host and returns it normalised to "scheme://host[:port]"
 * (lower-case scheme and host, no trailing slash), or NULL with
 * SL_OAUTH_ERROR_INVALID_CONFIG and a translated reason. Only https:// is
 * accepted, except http:// on 127.0.0.1, ::1 and localhost. User info,
 * a query, a fragment or a path other than "/" are rejected. */
char          *sl_oauth_normalize_login_host    (const char     *login_host,
                                                 GError        **error);

/* Returns a new config, or NULL when the login host is invalid or the client
 * ID is empty or contains characters outside printable ASCII. */
SlOAuthConfig *sl_oauth_config_new              (const char     *login_host,
                                                 const char     *client_id,
                                                 GError        **error);

/* Reads `login-host`, `client-id` and `network-timeout` from @settings
 * (schema com.supportlogic.Connect) and validates them as above. */
SlOAuthConfig *sl_oauth_config_new_from_settings (GSettings     *settings,
                                                  GError       **error);

const char    *sl_oauth_config_get_login_host   (SlOAuthConfig  *self);
const char    *sl_oauth_config_get_client_id    (SlOAuthConfig  *self);
const char    *sl_oauth_config_get_redirect_uri (SlOAuthConfig  *self);
const char    *sl_oauth_config_get_scopes       (SlOAuthConfig  *self);

/* Network timeout for every request, in seconds. */
guint          sl_oauth_config_get_timeout      (SlOAuthConfig  *self);
void           sl_oauth_config_set_timeout      (SlOAuthConfig  *self,
                                                 guint           seconds);

/* Returns the login host followed by @path, which starts with "/". */
char          *sl_oauth_config_build_url        (SlOAuthConfig  *self,
                                                 const char     *path);

G_END_DECLS
