/* sl-credentials.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SlCredentials:
 * @access_token: (secret) OAuth access token
 * @refresh_token: (secret) OAuth refresh token, or NULL
 * @login_host: the login host that issued the tokens, e.g. https://login.salesforce.com
 * @instance_url: the org's instance, where REST and userinfo requests go
 * @id_url: the identity URL (`id` field of the token response)
 * @scope: granted scopes, space separated
 * @issued_at_ms: `issued_at` of the token response, milliseconds since the epoch
 * @user_id: Salesforce user ID (18 characters, starts with 005)
 * @org_id: Salesforce organization ID (starts with 00D)
 * @username: Salesforce username (`preferred_username`)
 * @email: the user's email address
 * @display_name: the user's full name
 * @connected_at: when the sign-in completed, in UTC
 *
 * Everything the keyring item of one slot holds. The two token fields are
 * secrets: sl_credentials_free() overwrites them before freeing.
 */
typedef struct _SlCredentials
{
  char      *access_token;
  char      *refresh_token;
  char      *login_host;
  char      *instance_url;
  char      *id_url;
  char      *scope;
  gint64     issued_at_ms;
  char      *user_id;
  char      *org_id;
  char      *username;
  char      *email;
  char      *display_name;
  GDateTime *connected_at;
} SlCredentials;

#define SL_TYPE_CREDENTIALS (sl_credentials_get_type ())

GType          sl_credentials_get_type  (void) G_GNUC_CONST;
SlCredentials *sl_credentials_new       (void);
SlCredentials *sl_credentials_copy      (const SlCredentials *self);
void           sl_credentials_free      (SlCredentials       *self);

/* Serializes all fields to the JSON document stored as the keyring secret.
 * The result holds tokens: free it with sl_secure_free(). */
char          *sl_credentials_to_json   (const SlCredentials *self);

/* Parses a document written by sl_credentials_to_json(). Fails with
 * SL_CREDENTIALS_ERROR_INVALID when it is not JSON, lacks the access token,
 * instance URL or user ID, or a field has the wrong type. Unknown fields are
 * ignored so newer versions can add some. */
SlCredentials *sl_credentials_from_json (const char          *json,
                                         GError             **error);

/* Overwrites the string with zero bytes, then frees it. NULL is allowed. */
void           sl_secure_free           (char                *secret);

#define SL_CREDENTIALS_ERROR (sl_credentials_error_quark ())

typedef enum
{
  SL_CREDENTIALS_ERROR_INVALID,
} SlCredentialsError;

GQuark sl_credentials_error_quark (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SlCredentials, sl_credentials_free)

G_END_DECLS
