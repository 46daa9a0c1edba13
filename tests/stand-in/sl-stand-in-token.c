/* sl-stand-in-token.c: authorization codes, the token endpoint and revoke
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

#define TOKEN_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

/* Returns @prefix followed by @length random characters from the token
 * alphabet of Salesforce.  GRand is no cryptographic source, which is
 * acceptable for a test server that only listens on loopback. */
char *
stand_in_random_string (const char *prefix,
                        guint       length)
{
  GString *text = g_string_new (prefix);
  /* Identifiers that end up in HTML forms stay alphanumeric. */
  guint alphabet_length = *prefix == '\0' ? 62 : strlen (TOKEN_ALPHABET);

  for (guint i = 0; i < length; i++)
    g_string_append_c (text, TOKEN_ALPHABET[g_random_int_range (0, alphabet_length)]);

  return g_string_free (text, FALSE);
}

/* Returns standard Base64 of @length random bytes. */
static char *
random_base64 (gsize length)
{
  g_autofree guchar *bytes = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    bytes[i] = g_random_int_range (0, 256);

  return g_base64_encode (bytes, length);
}

/* Converts Base64 to the unpadded URL-safe form of RFC 4648, section 5. */
static char *
base64_to_base64url (char *text)
{
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  *strchrnul (text, '=') = '\0';
  return text;
}

static char *
base64url_encode (const char *data)
{
  return base64_to_base64url (g_base64_encode ((const guchar *) data, strlen (data)));
}

static void
code_free (StandInCode *code)
{
  g_free (code->redirect_uri);
  g_free (code->scope);
  g_free (code->code_challenge);
  g_free (code);
}

static void
session_clear (StandInSession *session)
{
  g_free (session->scope);
  g_free (session->refresh_token);
}

static void
session_release (StandInSession *session)
{
  g_rc_box_release_full (session, (GDestroyNotify) session_clear);
}

static void
access_token_free (StandInAccessToken *entry)
{
  session_release (entry->session);
  g_free (entry);
}

char *
stand_in_get_community_url (StandIn *self)
{
  return g_strconcat (self->login_url, "/support", NULL);
}

/* Stores a new single-use code for the signed-in user of @transaction and
 * returns it.  Like Salesforce's codes it contains "+", "/" and "=", so the
 * client has to decode the callback query correctly. */
char *
stand_in_issue_code (StandIn            *self,
                     StandInTransaction *transaction)
{
  g_autofree char *random = random_base64 (40);
  char *code = g_strconcat ("aPrx", random, NULL);
  StandInCode *entry = g_new0 (StandInCode, 1);

  entry->client = transaction->client;
  entry->user = transaction->user;
  entry->redirect_uri = g_strdup (transaction->redirect_uri);
  entry->scope = g_strdup (transaction->scope);
  entry->code_challenge = g_strdup (transaction->code_challenge);
  entry->expires_at = g_get_monotonic_time () + self->code_lifetime_us;

  g_hash_table_insert (self->codes, g_strdup (code), entry);
  g_ptr_array_add (self->issued_secrets, g_strdup (code));
  return code;
}

/* Returns the session of @token, or NULL when the token is unknown,
 * revoked, expired or belongs to a deactivated user. */
StandInSession *
stand_in_lookup_access_token (StandIn    *self,
                              const char *token)
{
  StandInAccessToken *entry = token != NULL ? g_hash_table_lookup (self->access_tokens, token)
                                            : NULL;

  if (entry == NULL || entry->session->revoked || !entry->session->user->active)
    return NULL;

  if (entry->expires_at <= g_get_monotonic_time ())
    return NULL;

  return entry->session;
}

/* Ends every access token issued so far; later ones get the usual lifetime. */
void
stand_in_expire_access_tokens (StandIn *self)
{
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  StandInAccessToken *entry;

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    entry->expires_at = MIN (entry->expires_at, now);
}

static gboolean
scope_contains (const char *scope,
                const char *value)
{
  g_auto(GStrv) values = g_strsplit (scope, " ", -1);

  return g_strv_contains ((const char * const *) values, value);
}

static char *
build_id_url (StandIn              *self,
              const StandInSession *session)
{
  return g_strdup_printf ("%s/id/%s/%s", self->login_url, self->fixture->org_id,
                          session->user->user_id);
}

/* Returns a JWT-shaped ID token.  Its signature is random bytes: nothing
 * in this project verifies it. */
static char *
build_id_token (StandIn              *self,
                const StandInSession *session,
                gint64                now_s)
{
  g_autofree char *id_url = build_id_url (self, session);
  g_autofree char *payload = g_strdup_printf (
    "{\"iss\":\"%s\",\"sub\":\"%s\",\"aud\":\"%s\",\"iat\":%" G_GINT64_FORMAT
    ",\"exp\":%" G_GINT64_FORMAT "}",
    self->login_url, id_url, session->client->client_id, now_s, now_s + 300);
  g_autofree char *header = base64url_encode ("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
  g_autofree char *body = base64url_encode (payload);
  g_autofree char *signature = base64_to_base64url (random_base64 (256));

  return g_strconcat (header, ".", body, ".", signature, NULL);
}

/* Returns Base64 of HMAC-SHA256 over the identity URL and issued_at, which
 * is what Salesforce signs with the consumer secret. */
static char *
build_signature (StandIn    *self,
                 const char *id_url,
                 const char *issued_at)
{
  gsize key_length = 0;
  const guchar *key = g_bytes_get_data (self->signing_key, &key_length);
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) id_url, -1);
  g_hmac_update (hmac, (const guchar *) issued_at, -1);
  g_hmac_get_digest (hmac, digest, &digest_length);

  return g_base64_encode (digest, digest_length);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Sends the token success JSON.  Like Salesforce it has no expires_in, and
 * issued_at is milliseconds since the epoch as a string. */
static void
respond_tokens (StandIn           *self,
                SoupServerMessage *msg,
                StandInSession    *session,
                const char        *access_token,
                const char        *refresh_token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 now_ms = g_get_real_time () / 1000;
  g_autofree char *issued_at = g_strdup_printf ("%" G_GINT64_FORMAT, now_ms);
  g_autofree char *id_url = build_id_url (self, session);
  g_autofree char *signature = build_signature (self, id_url, issued_at);

  json_builder_begin_object (builder);
  add_string_member (builder, "access_token", access_token);
  if (refresh_token != NULL)
    add_string_member (builder, "refresh_token", refresh_token);
  add_string_member (builder, "signature", signature);
  add_string_member (builder, "scope", session->scope);
  if (scope_contains (session->scope, "openid"))
    {
      g_autofree char *id_token = build_id_token (self, session, now_ms / 1000);

      add_string_member (builder, "id_token", id_token);
    }
  add_string_member (builder, "instance_url", self->instance_url);
  add_string_member (builder, "id", id_url);
  add_string_member (builder, "token_type", "Bearer");
  add_string_member (builder, "issued_at", issued_at);
  if (session->client->community)
    {
      g_autofree char *community_url = stand_in_get_community_url (self);

      add_string_member (builder, "sfdc_community_url", community_url);
      add_string_member (builder, "sfdc_community_id", STAND_IN_COMMUNITY_ID);
    }
  json_builder_end_object (builder);

  stand_in_respond_json (self, msg, SOUP_STATUS_OK, builder);
}

static char *
issue_access_token (StandIn        *self,
                    StandInSession *session)
{
  g_autofree char *org_prefix = g_strndup (self->fixture->org_id, 15);
  g_autofree char *prefix = g_strconcat (org_prefix, "!AQ", NULL);
  char *token = stand_in_random_string (prefix, 94);
  StandInAccessToken *entry = g_new0 (StandInAccessToken, 1);

  entry->session = g_rc_box_acquire (session);
  entry->expires_at = self->access_token_lifetime_us > 0
                      ? g_get_monotonic_time () + self->access_token_lifetime_us
                      : G_MAXINT64;
  g_hash_table_insert (self->access_tokens, g_strdup (token), entry);
  g_ptr_array_add (self->issued_secrets, g_strdup (token));
  return token;
}

/* Returns whether @verifier matches the S256 @challenge, which is
 * BASE64URL(SHA256(verifier)) as RFC 7636 defines it. */
static gboolean
verifier_matches (const char *verifier,
                  const char *challenge)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autofree char *expected = NULL;

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  expected = base64_to_base64url (g_base64_encode (digest, digest_length));

  return g_str_equal (expected, challenge);
}

/* Checks @form against the stored @code.  Returns FALSE after sending the
 * error Salesforce sends for the first problem found. */
static gboolean
check_code_grant (StandIn             *self,
                  SoupServerMessage   *msg,
                  const StandInClient *client,
                  const StandInCode   *code,
                  GHashTable          *form)
{
  const char *verifier = g_hash_table_lookup (form, "code_verifier");
  const char *error = NULL;
  const char *description = NULL;

  if (code == NULL || code->client != client)
    {
      error = "invalid_grant";
      description = "authentication failure";
    }
  else if (code->expires_at < g_get_monotonic_time ())
    {
      error = "invalid_grant";
      description = "expired authorization code";
    }
  else if (g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), code->redirect_uri) != 0)
    {
      error = "redirect_uri_mismatch";
      description = "redirect_uri must match configuration";
    }
  else if (code->code_challenge != NULL && verifier == NULL)
    {
      error = "invalid_grant";
      description = "missing code verifier";
    }
  else if (code->code_challenge != NULL && !verifier_matches (verifier, code->code_challenge))
    {
      error = "invalid_request";
      description = "invalid code verifier";
    }

  if (error != NULL)
    stand_in_respond_oauth_error (self, msg, error, description);

  return error == NULL;
}

static void
grant_authorization_code (StandIn             *self,
                          SoupServerMessage   *msg,
                          const StandInClient *client,
                          GHashTable          *form)
{
  const char *code_text = g_hash_table_lookup (form, "code");
  g_autofree char *stolen_code = NULL;
  StandInCode *code = NULL;
  StandInSession *session;
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;

  /* Codes are single use: the first exchange removes it, right or wrong. */
  if (code_text != NULL)
    g_hash_table_steal_extended (self->codes, code_text, (gpointer *) &stolen_code,
                                 (gpointer *) &code);

  if (!check_code_grant (self, msg, client, code, form))
    {
      g_clear_pointer (&code, code_free);
      return;
    }

  session = g_rc_box_new0 (StandInSession);
  session->client = code->client;
  session->user = code->user;
  session->scope = g_strdup (code->scope);
  g_clear_pointer (&code, code_free);

  /* Salesforce issues a refresh token only for these scopes. */
  if (scope_contains (session->scope, "refresh_token")
      || scope_contains (session->scope, "offline_access")
      || scope_contains (session->scope, "full"))
    {
      refresh_token = stand_in_random_string ("5Aep861", 80);
      g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token),
                           g_rc_box_acquire (session));
      g_ptr_array_add (self->issued_secrets, g_strdup (refresh_token));
      session->refresh_token = g_strdup (refresh_token);
    }

  access_token = issue_access_token (self, session);
  respond_tokens (self, msg, session, access_token, refresh_token);
  session_release (session);
}

/* Replaces the newest refresh token of @session with a new one and
 * returns it. */
static char *
rotate_refresh_token (StandIn        *self,
                      StandInSession *session)
{
  char *refresh_token = stand_in_random_string ("5Aep861", 80);

  g_hash_table_insert (self->refresh_tokens, g_strdup (refresh_token),
                       g_rc_box_acquire (session));
  g_ptr_array_add (self->issued_secrets, g_strdup (refresh_token));
  g_free (session->refresh_token);
  session->refresh_token = g_strdup (refresh_token);

  return refresh_token;
}

static void
grant_refresh_token (StandIn             *self,
                     SoupServerMessage   *msg,
                     const StandInClient *client,
                     GHashTable          *form)
{
  const char *refresh_token = g_hash_table_lookup (form, "refresh_token");
  StandInSession *session = NULL;
  g_autofree char *access_token = NULL;
  g_autofree char *new_refresh_token = NULL;

  if (refresh_token != NULL)
    session = g_hash_table_lookup (self->refresh_tokens, refresh_token);

  if (session == NULL || session->revoked || session->client != client
      || !session->user->active)
    {
      stand_in_respond_oauth_error (self, msg, "invalid_grant", "expired access/refresh token");
      return;
    }

  /* With rotation, Salesforce treats a replayed older refresh token as
   * stolen and revokes the whole chain, the newest token included. */
  if (self->rotate_refresh_tokens && g_strcmp0 (session->refresh_token, refresh_token) != 0)
    {
      g_debug ("An older refresh token was replayed, revoking its rotation chain");
      stand_in_revoke_session (self, session);
      stand_in_respond_oauth_error (self, msg, "invalid_grant", "expired access/refresh token");
      return;
    }

  if (self->rotate_refresh_tokens)
    new_refresh_token = rotate_refresh_token (self, session);

  access_token = issue_access_token (self, session);
  respond_tokens (self, msg, session, access_token, new_refresh_token);
}

/* Returns @grant_type when it is safe to write to the request log. */
static const char *
loggable_grant_type (const char *grant_type)
{
  if (g_strcmp0 (grant_type, "authorization_code") == 0
      || g_strcmp0 (grant_type, "refresh_token") == 0)
    return grant_type;

  return grant_type != NULL ? "other" : "none";
}

static void
handle_token (StandIn           *self,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  g_autoptr(GHashTable) form = stand_in_read_form (msg);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");
  const StandInClient *client =
    stand_in_fixture_find_client (self->fixture, g_hash_table_lookup (form, "client_id"));

  stand_in_note_grant_type (msg, loggable_grant_type (grant_type));

  if (g_strcmp0 (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    stand_in_respond (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL, "Method not allowed");
  else if (g_strcmp0 (grant_type, "authorization_code") != 0
           && g_strcmp0 (grant_type, "refresh_token") != 0)
    stand_in_respond_oauth_error (self, msg, "unsupported_grant_type",
                                  "grant type not supported");
  else if (client == NULL)
    stand_in_respond_oauth_error (self, msg, "invalid_client_id", "client identifier invalid");
  else if (g_str_equal (grant_type, "authorization_code"))
    grant_authorization_code (self, msg, client, form);
  else
    grant_refresh_token (self, msg, client, form);
}

static gboolean
access_token_belongs_to (gpointer key,
                         gpointer value,
                         gpointer session)
{
  StandInAccessToken *entry = value;

  return entry->session == session;
}

static gboolean
refresh_token_belongs_to (gpointer key,
                          gpointer value,
                          gpointer session)
{
  return value == session;
}

/* Revokes every refresh token of @session's rotation chain and every
 * access token issued from them. */
void
stand_in_revoke_session (StandIn        *self,
                         StandInSession *session)
{
  /* Removing the table entries drops their references, so this one keeps
   * @session alive until the end. */
  StandInSession *held = g_rc_box_acquire (session);

  held->revoked = TRUE;
  g_hash_table_foreach_remove (self->access_tokens, access_token_belongs_to, held);
  g_hash_table_foreach_remove (self->refresh_tokens, refresh_token_belongs_to, held);
  session_release (held);
}

/* Revokes a refresh token with every access token issued from it, or a
 * single access token.  Salesforce also takes the token in a GET query. */
static void
handle_revoke (StandIn           *self,
               SoupServerMessage *msg,
               GHashTable        *query)
{
  g_autoptr(GHashTable) form = stand_in_read_form (msg);
  const char *token = g_hash_table_lookup (form, "token");
  StandInSession *session;

  if (token == NULL)
    token = g_hash_table_lookup (query, "token");

  if (token != NULL && (session = g_hash_table_lookup (self->refresh_tokens, token)) != NULL)
    stand_in_revoke_session (self, session);
  else if (token == NULL || !g_hash_table_remove (self->access_tokens, token))
    {
      stand_in_respond_oauth_error (self, msg, "unsupported_token_type",
                                    "the token is unknown or was already revoked");
      return;
    }

  stand_in_respond (self, msg, SOUP_STATUS_OK, "text/plain;charset=UTF-8", "");
}

void
stand_in_add_token_routes (StandIn *self)
{
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) code_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) session_release);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) access_token_free);
  self->issued_secrets = g_ptr_array_new_with_free_func (g_free);

  stand_in_add_route (self, "/services/oauth2/token", "token", handle_token);
  stand_in_add_route (self, "/services/oauth2/revoke", "revoke", handle_revoke);
}
