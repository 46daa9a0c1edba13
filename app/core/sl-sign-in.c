/* sl-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sl-oauth-callback.h"
#include "sl-oauth-error.h"
#include "sl-sign-in.h"

struct _SlSignIn
{
  GObject parent_instance;

  SlTokenClient *client;
  char *slot;
  gboolean force_login;

  SlAuthRequest *request;
  /* Set once a callback passed its checks, before its code is sent. */
  gboolean used;
  /* The token just issued, kept until the identity is known, so a sign-in
   * that fails after the exchange can revoke it. */
  char *issued_token;
};

G_DEFINE_FINAL_TYPE (SlSignIn, sl_sign_in, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SLOT,
  PROP_FORCE_LOGIN,
  PROP_REQUEST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Source tag of the completion task. It is a variable because ISO C forbids
 * converting a function pointer to gpointer. */
static const char complete_tag;

static void
on_issued_token_revoked (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!sl_token_client_revoke_finish (SL_TOKEN_CLIENT (source), result, &error))
    g_debug ("Could not revoke the token of a failed sign-in: %s", error->message);
}

/* Revokes the token of a sign-in that failed after the code exchange, so
 * no valid token is left behind on Salesforce. Best effort: the revoke is
 * not cancelled with the sign-in, and its failure is only logged. */
static void
revoke_issued_token (SlSignIn *self)
{
  if (self->issued_token == NULL)
    return;

  sl_token_client_revoke_async (self->client, self->issued_token, NULL,
                                on_issued_token_revoked, NULL);
  g_clear_pointer (&self->issued_token, sl_secure_free);
}

/* Returns @error, with a message for a rejected access token that fits a
 * sign-in that has only just issued it. Takes ownership of @error. */
static GError *
explain_identity_error (GError *error)
{
  GError *explained = NULL;

  if (!g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN))
    return error;

  sl_oauth_set_error (&explained, SL_OAUTH_ERROR_BAD_TOKEN,
                      sl_oauth_error_get_server_code (error),
                      _("Salesforce completed the sign-in but then rejected its new access "
                        "token. Try again; if this keeps happening, ask your Salesforce "
                        "administrator to check that this user may use the API."));
  g_error_free (error);

  return explained;
}

static void
on_identity_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlSignIn *self = g_task_get_source_object (task);
  g_autoptr(SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = sl_token_client_fetch_identity_finish (SL_TOKEN_CLIENT (source), result,
                                                       &error);
  if (credentials == NULL)
    {
      g_debug ("Sign-in for slot %s failed at userinfo: %s", self->slot, error->message);
      revoke_issued_token (self);
      g_task_return_error (task, explain_identity_error (error));
      return;
    }

  g_clear_pointer (&self->issued_token, sl_secure_free);
  g_clear_pointer (&credentials->connected_at, g_date_time_unref);
  credentials->connected_at = g_date_time_new_now_utc ();

  g_debug ("Sign-in for slot %s completed as user %s", self->slot, credentials->user_id);
  g_task_return_pointer (task, g_steal_pointer (&credentials),
                         (GDestroyNotify) sl_credentials_free);
}

static void
on_code_exchanged (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlSignIn *self = g_task_get_source_object (task);
  g_autoptr(SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = sl_token_client_exchange_code_finish (SL_TOKEN_CLIENT (source), result,
                                                      &error);
  if (credentials == NULL)
    {
      g_debug ("Sign-in for slot %s failed at the token exchange: %s",
               self->slot, error->message);
      g_task_return_error (task, error);
      return;
    }

  g_clear_pointer (&self->issued_token, sl_secure_free);
  self->issued_token = g_strdup (credentials->refresh_token != NULL
                                 ? credentials->refresh_token
                                 : credentials->access_token);
  sl_token_client_fetch_identity_async (self->client, credentials,
                                        g_task_get_cancellable (task),
                                        on_identity_fetched, g_object_ref (task));
}

static void
free_code (char *code)
{
  if (code == NULL)
    return;

  explicit_bzero (code, strlen (code));
  g_free (code);
}

void
sl_sign_in_complete_async (SlSignIn            *self,
                           const char          *callback_uri,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  char *code;

  g_return_if_fail (SL_IS_SIGN_IN (self));
  g_return_if_fail (callback_uri != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &complete_tag);

  if (self->used)
    {
      sl_oauth_set_error (&error, SL_OAUTH_ERROR_ALREADY_USED, NULL,
                          _("This sign-in was already completed. Start a new sign-in."));
      g_task_return_error (task, error);
      return;
    }

  code = sl_oauth_parse_callback (callback_uri, sl_auth_request_get_state (self->request),
                                  &error);
  if (code == NULL)
    {
      g_debug ("Rejected the callback for slot %s: %s", self->slot, error->message);
      g_task_return_error (task, error);
      return;
    }

  /* From here on the code may reach Salesforce, so it is never sent twice. */
  self->used = TRUE;
  g_debug ("Exchanging the authorization code for slot %s", self->slot);
  sl_token_client_exchange_code_async (self->client, code,
                                       sl_auth_request_get_code_verifier (self->request),
                                       cancellable, on_code_exchanged, g_object_ref (task));
  free_code (code);
}

SlCredentials *
sl_sign_in_complete_finish (SlSignIn      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SL_IS_SIGN_IN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sl_sign_in_constructed (GObject *object)
{
  SlSignIn *self = (SlSignIn *)object;

  G_OBJECT_CLASS (sl_sign_in_parent_class)->constructed (object);

  g_assert (SL_IS_TOKEN_CLIENT (self->client));

  self->request = sl_auth_request_new (sl_token_client_get_config (self->client),
                                       self->force_login);
}

static void
sl_sign_in_finalize (GObject *object)
{
  SlSignIn *self = (SlSignIn *)object;

  g_clear_object (&self->request);
  g_clear_object (&self->client);
  g_clear_pointer (&self->slot, g_free);
  g_clear_pointer (&self->issued_token, sl_secure_free);

  G_OBJECT_CLASS (sl_sign_in_parent_class)->finalize (object);
}

static void
sl_sign_in_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SlSignIn *self = SL_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_SLOT:
      g_value_set_string (value, self->slot);
      break;

    case PROP_FORCE_LOGIN:
      g_value_set_boolean (value, self->force_login);
      break;

    case PROP_REQUEST:
      g_value_set_object (value, self->request);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_sign_in_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SlSignIn *self = SL_SIGN_IN (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    case PROP_SLOT:
      self->slot = g_value_dup_string (value);
      break;

    case PROP_FORCE_LOGIN:
      self->force_login = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_sign_in_class_init (SlSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sl_sign_in_constructed;
  object_class->finalize = sl_sign_in_finalize;
  object_class->get_property = sl_sign_in_get_property;
  object_class->set_property = sl_sign_in_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, SL_TYPE_TOKEN_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_SLOT] =
    g_param_spec_string ("slot", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  properties[PROP_FORCE_LOGIN] =
    g_param_spec_boolean ("force-login", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS);

  properties[PROP_REQUEST] =
    g_param_spec_object ("request", NULL, NULL, SL_TYPE_AUTH_REQUEST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_sign_in_init (SlSignIn *self)
{
}

SlSignIn *
sl_sign_in_new (SlTokenClient *client,
                const char    *slot,
                gboolean       force_login)
{
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (client), NULL);
  g_return_val_if_fail (slot != NULL, NULL);

  return g_object_new (SL_TYPE_SIGN_IN,
                       "client", client,
                       "slot", slot,
                       "force-login", force_login,
                       NULL);
}

const char *
sl_sign_in_get_slot (SlSignIn *self)
{
  g_return_val_if_fail (SL_IS_SIGN_IN (self), NULL);

  return self->slot;
}

SlAuthRequest *
sl_sign_in_get_request (SlSignIn *self)
{
  g_return_val_if_fail (SL_IS_SIGN_IN (self), NULL);

  return self->request;
}

const char *
sl_sign_in_get_authorize_uri (SlSignIn *self)
{
  g_return_val_if_fail (SL_IS_SIGN_IN (self), NULL);

  return sl_auth_request_get_uri (self->request);
}
