/* sl-sign-in-flow.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-keyring.h"
#include "sl-oauth-callback.h"
#include "sl-oauth-error.h"
#include "sl-sign-in-dialog.h"
#include "sl-sign-in-flow.h"
#include "sl-sign-in.h"

struct _SlSignInFlow
{
  GObject         parent_instance;

  SlConnection   *connection;
  SlTokenClient  *client;
  SlSignIn       *sign_in;
  SlSignInDialog *dialog;
  GCancellable   *cancellable;
  gboolean        force_login;
  gboolean        finished;

  /* The credentials of the finished sign-in, until they are stored, and
   * the refresh token of the connection they replace, which is revoked
   * once the new one is stored. */
  SlCredentials  *signed_in;
  char           *replaced_token;
};

G_DEFINE_FINAL_TYPE (SlSignInFlow, sl_sign_in_flow, G_TYPE_OBJECT)

enum
{
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_dialog (SlSignInFlow *self)
{
  g_autoptr (SlSignInDialog) dialog = g_steal_pointer (&self->dialog);

  if (dialog == NULL)
    return;

  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Ends the flow once by closing the dialog and emitting "finished". */
static void
finish (SlSignInFlow *self,
        gboolean      connected)
{
  if (self->finished)
    return;

  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  close_dialog (self);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, connected);
}

static void
fail (SlSignInFlow *self,
      const GError *error)
{
  const char *code = NULL;

  if (self->finished)
    return;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sl_connection_cancel_sign_in (self->connection);
      finish (self, FALSE);
      return;
    }

  if (error->domain == SL_OAUTH_ERROR)
    code = sl_oauth_error_get_server_code (error);

  g_debug ("Sign-in of slot %s failed: %s (code %s)",
           sl_connection_get_slot (self->connection), error->message,
           code != NULL ? code : "none");
  close_dialog (self);
  sl_connection_report_error (self->connection, error->message, code);
  finish (self, FALSE);
}

static void
on_replaced_token_revoked (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!sl_token_client_revoke_finish (SL_TOKEN_CLIENT (source), result, &error))
    g_message ("Could not revoke the token of the replaced connection: %s", error->message);
}

/* Revokes the refresh token of the connection that a sign-in replaced
 * (Reconnect as another user), so the previous account's access does not
 * stay open on Salesforce. Best effort: a failure is only logged. */
static void
revoke_replaced_token (SlSignInFlow *self)
{
  g_autofree char *token = g_steal_pointer (&self->replaced_token);

  if (token == NULL)
    return;

  g_debug ("Revoking the token of the connection replaced in slot %s",
           sl_connection_get_slot (self->connection));
  sl_token_client_revoke_async (self->client, token, NULL, on_replaced_token_revoked, NULL);
  sl_secure_free (g_steal_pointer (&token));
}

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (SlSignInFlow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!sl_connection_store_finish (SL_CONNECTION (source), result, &error))
    {
      fail (self, error);
      return;
    }

  g_debug ("Slot %s connected", sl_connection_get_slot (self->connection));
  revoke_replaced_token (self);
  sl_connection_clear_error (self->connection);
  finish (self, TRUE);
}

/* Notes the refresh token of the stored connection, when it differs from
 * the new one and was issued by the same login host, then stores the new
 * credentials. A stored item that cannot be read is not revoked. */
static void
on_replaced_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (SlSignInFlow) self = user_data;
  g_autoptr (SlCredentials) replaced = NULL;
  g_autoptr (SlCredentials) signed_in = g_steal_pointer (&self->signed_in);
  g_autoptr (GError) error = NULL;
  const char *login_host;

  replaced = sl_keyring_load_finish (result, &error);
  if (self->finished || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  login_host = sl_oauth_config_get_login_host (sl_token_client_get_config (self->client));
  if (replaced != NULL && replaced->refresh_token != NULL
      && g_strcmp0 (replaced->refresh_token, signed_in->refresh_token) != 0
      && g_strcmp0 (replaced->login_host, login_host) == 0)
    self->replaced_token = g_strdup (replaced->refresh_token);

  sl_connection_store_async (self->connection, signed_in, self->cancellable,
                             on_stored, g_object_ref (self));
}

static void
on_completed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (SlSignInFlow) self = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  g_autoptr (GError) error = NULL;

  credentials = sl_sign_in_complete_finish (SL_SIGN_IN (source), result, &error);
  if (credentials == NULL)
    {
      fail (self, error);
      return;
    }

  if (self->finished)
    return;

  g_clear_pointer (&self->signed_in, sl_credentials_free);
  self->signed_in = g_steal_pointer (&credentials);
  sl_keyring_load_async (sl_connection_get_slot (self->connection), self->cancellable,
                         on_replaced_loaded, g_object_ref (self));
}

static void
on_callback_received (SlSignInDialog *dialog,
                      const char     *uri,
                      SlSignInFlow   *self)
{
  g_debug ("Completing sign-in of slot %s", sl_connection_get_slot (self->connection));
  sl_sign_in_complete_async (self->sign_in, uri, self->cancellable,
                             on_completed, g_object_ref (self));
}

/* Returns TRUE when a pasted @error is Salesforce's own error response,
 * such as access_denied, which ends the sign-in as it does in the web view.
 * Other rejections leave the dialog waiting for a better paste. */
static gboolean
is_error_response (const GError *error)
{
  if (g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_ACCESS_DENIED))
    return TRUE;

  return g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_AUTHORIZATION_FAILED)
         && sl_oauth_error_get_server_code (error) != NULL;
}

/* Returns why a pasted address that is not a usable redirect of this
 * attempt was rejected, worded for the paste field. */
static const char *
explain_rejected_paste (const GError *error)
{
  if (g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_REDIRECT_MISMATCH))
    return _("This is not the address the sign-in ended on. That address starts with "
             "“com.supportlogic.connect:/oauth2/callback”.");

  if (g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_STATE_MISMATCH))
    return _("This address belongs to another sign-in, not to the one this window "
             "started. Paste the address of the sign-in that opened from this window.");

  return _("This address is incomplete or damaged. Copy the whole address from your "
           "browser’s address bar.");
}

/* Checks a pasted address with the same parser, against the same state,
 * as a redirect from the web view or the scheme handler. */
static void
on_callback_pasted (SlSignInDialog *dialog,
                    const char     *text,
                    SlSignInFlow   *self)
{
  SlAuthRequest *request = sl_sign_in_get_request (self->sign_in);
  g_autoptr (GError) error = NULL;
  char *code;
  gboolean usable;

  code = sl_oauth_parse_callback (text, sl_auth_request_get_state (request), &error);
  usable = code != NULL;
  sl_secure_free (code);

  if (usable || is_error_response (error))
    {
      g_debug ("A pasted address is the redirect of slot %s",
               sl_connection_get_slot (self->connection));
      sl_sign_in_dialog_receive_callback (dialog, text);
      return;
    }

  g_debug ("Rejected a pasted address for slot %s: %s",
           sl_connection_get_slot (self->connection), error->message);
  sl_sign_in_dialog_reject_pasted (dialog, explain_rejected_paste (error));
}

static void
on_dialog_cancelled (SlSignInDialog *dialog,
                     SlSignInFlow   *self)
{
  g_debug ("Sign-in of slot %s cancelled", sl_connection_get_slot (self->connection));
  g_cancellable_cancel (self->cancellable);
  sl_connection_cancel_sign_in (self->connection);
  finish (self, FALSE);
}

/* The dialog is also destroyed with its parent window. Whatever still runs
 * is cancelled and the slot returns to its previous state. */
static void
on_dialog_destroyed (SlSignInDialog *dialog,
                     SlSignInFlow   *self)
{
  g_signal_handlers_disconnect_by_data (dialog, self);
  g_clear_object (&self->dialog);
  if (self->finished)
    return;

  g_cancellable_cancel (self->cancellable);
  sl_connection_cancel_sign_in (self->connection);
  finish (self, FALSE);
}

void
sl_sign_in_flow_start (SlSignInFlow *self,
                       GtkWindow    *parent)
{
  g_autoptr (GError) error = NULL;
  const char *slot;

  g_return_if_fail (SL_IS_SIGN_IN_FLOW (self));
  g_return_if_fail (self->sign_in == NULL);

  slot = sl_connection_get_slot (self->connection);
  self->sign_in = sl_sign_in_new (self->client, slot, self->force_login);
  sl_connection_begin_sign_in (self->connection);

  if (!sl_sign_in_dialog_load (&error))
    {
      fail (self, error);
      return;
    }

  self->dialog = g_object_ref_sink (
    sl_sign_in_dialog_new (parent, sl_sign_in_get_authorize_uri (self->sign_in)));
  g_object_set (self->dialog, "purpose",
                g_strcmp0 (slot, SL_SLOT_INTEGRATION) == 0
                ? _("Sign in as the organization’s Salesforce integration user.")
                : _("Sign in with your own Salesforce account."),
                NULL);
  g_signal_connect (self->dialog, "callback-received", G_CALLBACK (on_callback_received), self);
  g_signal_connect (self->dialog, "callback-pasted", G_CALLBACK (on_callback_pasted), self);
  g_signal_connect (self->dialog, "cancelled", G_CALLBACK (on_dialog_cancelled), self);
  g_signal_connect (self->dialog, "destroy", G_CALLBACK (on_dialog_destroyed), self);

  g_debug ("Opened the sign-in window for slot %s", slot);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

void
sl_sign_in_flow_present (SlSignInFlow *self)
{
  g_return_if_fail (SL_IS_SIGN_IN_FLOW (self));

  if (self->dialog != NULL)
    gtk_window_present (GTK_WINDOW (self->dialog));
}

void
sl_sign_in_flow_cancel (SlSignInFlow *self)
{
  g_return_if_fail (SL_IS_SIGN_IN_FLOW (self));

  if (self->finished)
    return;

  g_cancellable_cancel (self->cancellable);
  sl_connection_cancel_sign_in (self->connection);
  finish (self, FALSE);
}

SlConnection *
sl_sign_in_flow_get_connection (SlSignInFlow *self)
{
  g_return_val_if_fail (SL_IS_SIGN_IN_FLOW (self), NULL);

  return self->connection;
}

static gboolean
is_waiting (SlSignInFlow *self)
{
  return !self->finished
         && self->dialog != NULL
         && !sl_sign_in_dialog_has_callback (self->dialog);
}

gboolean
sl_sign_in_flow_expects_state (SlSignInFlow *self,
                               const char   *state)
{
  SlAuthRequest *request;

  g_return_val_if_fail (SL_IS_SIGN_IN_FLOW (self), FALSE);

  if (state == NULL || !is_waiting (self))
    return FALSE;

  request = sl_sign_in_get_request (self->sign_in);

  return g_strcmp0 (sl_auth_request_get_state (request), state) == 0;
}

gboolean
sl_sign_in_flow_handle_callback (SlSignInFlow *self,
                                 const char   *uri)
{
  g_return_val_if_fail (SL_IS_SIGN_IN_FLOW (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  if (!is_waiting (self))
    return FALSE;

  /* The browser had the focus, so bring the dialog back to show the end. */
  gtk_window_present (GTK_WINDOW (self->dialog));

  return sl_sign_in_dialog_receive_callback (self->dialog, uri);
}

static void
sl_sign_in_flow_dispose (GObject *object)
{
  SlSignInFlow *self = SL_SIGN_IN_FLOW (object);

  g_cancellable_cancel (self->cancellable);
  close_dialog (self);
  g_clear_object (&self->sign_in);
  g_clear_object (&self->client);
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->signed_in, sl_credentials_free);
  g_clear_pointer (&self->replaced_token, sl_secure_free);

  G_OBJECT_CLASS (sl_sign_in_flow_parent_class)->dispose (object);
}

static void
sl_sign_in_flow_class_init (SlSignInFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sl_sign_in_flow_dispose;

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
sl_sign_in_flow_init (SlSignInFlow *self)
{
  self->cancellable = g_cancellable_new ();
}

SlSignInFlow *
sl_sign_in_flow_new (SlConnection  *connection,
                     SlTokenClient *client,
                     gboolean       force_login)
{
  SlSignInFlow *self;

  g_return_val_if_fail (SL_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (client), NULL);

  self = g_object_new (SL_TYPE_SIGN_IN_FLOW, NULL);
  self->connection = g_object_ref (connection);
  self->client = g_object_ref (client);
  self->force_login = force_login;

  return self;
}
