/* sl-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sl-application.h"
#include "sl-connection-check.h"
#include "sl-keyring.h"
#include "sl-rest-client.h"
#include "sl-oauth-callback.h"
#include "sl-oauth-config.h"
#include "sl-preferences-window.h"
#include "sl-sign-in-flow.h"
#include "sl-status-report.h"
#include "sl-token-client.h"
#include "sl-token-refresher.h"
#include "sl-window.h"

/* What the application keeps for one slot. */
typedef enum
{
  PENDING_NONE,
  PENDING_CONNECT,
  PENDING_RECONNECT,
} PendingSignIn;

typedef struct
{
  SlConnection     *connection;
  SlTokenRefresher *refresher;
  SlSignInFlow     *flow;
  GCancellable     *cancellable;
  /* The running background check, or NULL. */
  GCancellable     *check_cancellable;
  gboolean          loading;
  PendingSignIn     pending;
} SlSlot;

struct _SlApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  SlTokenClient  *client;
  SlSlot          slots[2];
  gboolean        loaded;
};

G_DEFINE_FINAL_TYPE (SlApplication, sl_application, ADW_TYPE_APPLICATION)

static const char * const slot_names[] = { SL_SLOT_INTEGRATION, SL_SLOT_USER };

static SlSlot *
find_slot (SlApplication *self,
           const char    *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (slot_names); i++)
    {
      if (g_strcmp0 (name, slot_names[i]) == 0)
        return &self->slots[i];
    }

  return NULL;
}

SlConnection *
sl_application_get_connection (SlApplication *self,
                               const char    *slot)
{
  SlSlot *entry;

  g_return_val_if_fail (SL_IS_APPLICATION (self), NULL);

  entry = find_slot (self, slot);

  return entry != NULL ? entry->connection : NULL;
}

static SlWindow *
get_window (SlApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (SL_IS_WINDOW (window))
    return SL_WINDOW (window);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (SL_IS_WINDOW (l->data))
        return SL_WINDOW (l->data);
    }

  return NULL;
}

static SlWindow *
ensure_window (SlApplication *self)
{
  SlWindow *window = get_window (self);

  if (window == NULL)
    g_application_activate (G_APPLICATION (self));

  return get_window (self);
}

static void
add_toast (SlApplication *self,
           const char    *text)
{
  SlWindow *window = get_window (self);

  if (window != NULL)
    sl_window_add_toast (window, text);
}

static void start_sign_in (SlApplication *self,
                           SlSlot        *slot,
                           gboolean       force_login);
static void start_check   (SlApplication *self,
                           SlSlot        *slot);
static SlSlot *lookup_slot_parameter (SlApplication *self,
                                      GVariant      *parameter,
                                      const char    *action);

/* ---- start-up ---------------------------------------------------------- */

static void load_slot (SlApplication *self,
                       SlSlot        *slot);

static gboolean
is_keyring_locked (SlConnection *connection)
{
  return sl_connection_get_state (connection) == SL_CONNECTION_STATE_ERROR
         && g_strcmp0 (sl_connection_get_last_error_code (connection), "keyring-locked") == 0;
}

/* Both slots' items are in the same keyring. If @done's read found it
 * locked (the unlock prompt was dismissed), the slots not read yet get the
 * same state instead of a prompt each. If the read succeeded, the slots
 * that failed on a locked keyring are read again, since it is unlocked. */
static void
share_keyring_state (SlApplication *self,
                     SlSlot        *done)
{
  gboolean locked = is_keyring_locked (done->connection);

  if (!locked && sl_connection_get_state (done->connection) == SL_CONNECTION_STATE_ERROR)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      SlSlot *other = &self->slots[i];

      if (other == done || other->loading || other->flow != NULL)
        continue;

      if (locked && !sl_connection_get_known (other->connection))
        {
          sl_connection_report_error (other->connection,
                                      sl_connection_get_last_error (done->connection),
                                      "keyring-locked");
          sl_connection_set_state (other->connection, SL_CONNECTION_STATE_ERROR);
        }
      else if (!locked && is_keyring_locked (other->connection))
        {
          load_slot (self, other);
        }
    }
}

/* Start-up reads the slots one after another, so that a locked keyring
 * shows its unlock prompt once. */
static void
load_next_unread_slot (SlApplication *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      SlSlot *slot = &self->slots[i];

      if (slot->loading)
        return;

      if (!sl_connection_get_known (slot->connection) && slot->flow == NULL)
        {
          load_slot (self, slot);
          return;
        }
    }
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (SlApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  SlConnection *connection = SL_CONNECTION (source);
  SlSlot *slot = find_slot (self, sl_connection_get_slot (connection));
  PendingSignIn pending;

  /* Failures are already shown on the slot's page by the model. */
  if (!sl_connection_load_finish (connection, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Could not load slot %s: %s", sl_connection_get_slot (connection), error->message);
    }

  if (slot == NULL)
    return;

  pending = slot->pending;
  slot->loading = FALSE;
  slot->pending = PENDING_NONE;
  if (pending != PENDING_NONE)
    start_sign_in (self, slot, pending == PENDING_RECONNECT);
  else if (sl_connection_get_state (connection) == SL_CONNECTION_STATE_CONNECTED)
    start_check (self, slot);

  share_keyring_state (self, slot);
  load_next_unread_slot (self);
}

/* Reads the slot's keyring item again, e.g. after the keyring was
 * unlocked, then checks the connection it holds. */
static void
load_slot (SlApplication *self,
           SlSlot        *slot)
{
  if (slot->loading || slot->flow != NULL)
    return;

  slot->loading = TRUE;
  sl_connection_load_async (slot->connection, slot->cancellable,
                            on_loaded, g_object_ref (self));
}

static void
load_connections (SlApplication *self)
{
  if (self->loaded)
    return;

  self->loaded = TRUE;
  load_next_unread_slot (self);
}

static void
sl_application_activate (GApplication *app)
{
  SlApplication *self = SL_APPLICATION (app);
  SlWindow *window = get_window (self);

  if (window == NULL)
    window = sl_window_new (self);

  gtk_window_present (GTK_WINDOW (window));

  /* The window is presented first and the keyring is read afterwards. */
  load_connections (self);
}

/* ---- token client ------------------------------------------------------ */

static gboolean
client_matches (SlTokenClient *client,
                SlOAuthConfig *config)
{
  SlOAuthConfig *current;

  if (client == NULL)
    return FALSE;

  current = sl_token_client_get_config (client);

  return g_strcmp0 (sl_oauth_config_get_login_host (current),
                    sl_oauth_config_get_login_host (config)) == 0
         && g_strcmp0 (sl_oauth_config_get_client_id (current),
                       sl_oauth_config_get_client_id (config)) == 0
         && sl_oauth_config_get_timeout (current) == sl_oauth_config_get_timeout (config);
}

/* Tells the user that a slot needs a new sign-in, in the window and with a
 * desktop notification whose click opens that slot's page. */
static void
on_reauth_required (SlTokenRefresher *refresher,
                    const char       *reason,
                    SlApplication    *self)
{
  const char *name = sl_token_refresher_get_slot (refresher);
  SlSlot *slot = find_slot (self, name);
  g_autoptr (GNotification) notification = NULL;
  g_autofree char *id = g_strconcat ("reauth-", name, NULL);

  g_message ("Slot %s needs a new sign-in: %s", name, reason);
  sl_connection_require_reauth (slot->connection, reason);

  notification = g_notification_new (_("Salesforce connection needs attention"));
  g_notification_set_body (notification,
                           g_str_equal (name, SL_SLOT_USER)
                           ? _("Your own Salesforce account must be connected again.")
                           : _("The integration user must be connected again."));
  g_notification_set_default_action_and_target (notification, "app.show-slot", "s", name);
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

/* Creates each slot's refresher for the current token client, which they
 * keep, so new ones are made whenever the client is replaced. */
static void
replace_refreshers (SlApplication *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      SlSlot *slot = &self->slots[i];

      if (slot->refresher != NULL)
        g_signal_handlers_disconnect_by_data (slot->refresher, self);
      g_clear_object (&slot->refresher);
      slot->refresher = sl_token_refresher_new (slot_names[i], self->client);
      g_signal_connect (slot->refresher, "reauth-required",
                        G_CALLBACK (on_reauth_required), self);
    }
}

/* Returns the token client for the current settings, reusing the previous
 * one (and its connections) while the settings are unchanged. */
static SlTokenClient *
ensure_client (SlApplication  *self,
               GError        **error)
{
  g_autoptr (SlOAuthConfig) config = NULL;

  config = sl_oauth_config_new_from_settings (self->settings, error);
  if (config == NULL)
    return NULL;

  if (!client_matches (self->client, config))
    {
      g_clear_object (&self->client);
      self->client = sl_token_client_new (config);
      replace_refreshers (self);
    }

  return self->client;
}

/* Returns a REST client that renews an expired session through @slot's
 * refresher, shared by all of the slot's clients. */
static SlRestClient *
create_rest_client (SlApplication        *self,
                    SlSlot               *slot,
                    const SlCredentials  *credentials,
                    GError              **error)
{
  g_autofree char *api_version = NULL;
  SlTokenClient *client;
  SlRestClient *rest;

  client = ensure_client (self, error);
  if (client == NULL)
    return NULL;

  api_version = g_settings_get_string (self->settings, "api-version");
  rest = sl_rest_client_new (sl_token_client_get_session (client), credentials, api_version);
  sl_rest_client_set_refresher (rest, slot->refresher);

  return rest;
}

SlRestClient *
sl_application_create_rest_client (SlApplication        *self,
                                   const SlCredentials  *credentials,
                                   GError              **error)
{
  g_return_val_if_fail (SL_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The Cases page writes as the agent. */
  return create_rest_client (self, find_slot (self, SL_SLOT_USER), credentials, error);
}

/* ---- access check ------------------------------------------------------ */

typedef struct
{
  SlConnection *connection;
  char         *user_id;
} AccessData;

static void
access_data_free (AccessData *data)
{
  g_clear_object (&data->connection);
  g_free (data->user_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AccessData, access_data_free)

/* Shows on the slot's page what its user may not do, so an agent learns
 * about a missing permission before a writeback fails. */
static void
on_access_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (AccessData) data = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *warning = NULL;
  SlRestAccess access;

  access = sl_rest_client_check_access_finish (SL_REST_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_strcmp0 (sl_connection_get_user_id (data->connection), data->user_id) != 0)
    return;

  if (error != NULL)
    {
      /* A refusal is about the user, so it is shown. An unreachable
       * Salesforce is not, so it is only logged. */
      g_debug ("Access of slot %s not checked: %s",
               sl_connection_get_slot (data->connection), error->message);
      if (g_error_matches (error, SL_REST_ERROR, SL_REST_ERROR_API_DISABLED))
        sl_connection_set_warning (data->connection, error->message);
      return;
    }

  warning = sl_rest_access_describe_missing (access);
  sl_connection_set_warning (data->connection, warning);
}

static void
check_access (SlApplication       *self,
              SlSlot              *slot,
              const SlCredentials *credentials)
{
  g_autoptr (SlRestClient) rest = NULL;
  g_autoptr (GError) error = NULL;
  AccessData *data;

  rest = create_rest_client (self, slot, credentials, &error);
  if (rest == NULL)
    {
      g_debug ("Access not checked: %s", error->message);
      return;
    }

  data = g_new0 (AccessData, 1);
  data->connection = g_object_ref (slot->connection);
  data->user_id = g_strdup (credentials->user_id);
  sl_rest_client_check_access_async (rest, slot->cancellable, on_access_checked, data);
}

static void
on_stored_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (SlConnection) connection = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  SlApplication *self = SL_APPLICATION (g_application_get_default ());
  SlSlot *slot = find_slot (self, sl_connection_get_slot (connection));

  credentials = sl_keyring_load_finish (result, NULL);
  if (credentials != NULL && slot != NULL)
    check_access (self, slot, credentials);
}

/* Checks the access of the account that the slot's keyring item holds. */
static void
check_stored_access (SlApplication *self,
                     SlSlot        *slot)
{
  sl_keyring_load_async (sl_connection_get_slot (slot->connection), slot->cancellable,
                         on_stored_loaded, g_object_ref (slot->connection));
}

/* ---- background check -------------------------------------------------- */

/* Stops the slot's running check, e.g. because a sign-in or a disconnect
 * is about to change what it checks. */
static void
cancel_check (SlSlot *slot)
{
  if (slot->check_cancellable == NULL)
    return;

  g_cancellable_cancel (slot->check_cancellable);
  g_clear_object (&slot->check_cancellable);
  sl_connection_set_checking (slot->connection, FALSE);
}

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (SlConnection) connection = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  credentials = sl_connection_check_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  sl_connection_set_checking (connection, FALSE);
  if (credentials != NULL)
    {
      SlApplication *self = SL_APPLICATION (g_application_get_default ());

      g_debug ("Slot %s works", sl_connection_get_slot (connection));
      if (g_strcmp0 (sl_connection_get_last_error_code (connection), "check-failed") == 0)
        sl_connection_clear_error (connection);
      check_access (self, find_slot (self, sl_connection_get_slot (connection)), credentials);
      return;
    }

  /* A rejected refresh token was reported through "reauth-required". */
  if (sl_token_refresher_error_needs_reauth (error)
      || sl_connection_get_state (connection) != SL_CONNECTION_STATE_CONNECTED)
    return;

  /* Translators: %s is the reason, e.g. that Salesforce could not be reached. */
  message = g_strdup_printf (_("The connection could not be checked: %s The stored "
                               "connection is kept and is used again when needed."),
                             error->message);
  sl_connection_report_error (connection, message, "check-failed");
}

/* Asks Salesforce in the background whether the slot's stored connection
 * still works; the window stays usable meanwhile. */
static void
start_check (SlApplication *self,
             SlSlot        *slot)
{
  g_autoptr (GError) error = NULL;

  cancel_check (slot);
  if (ensure_client (self, &error) == NULL)
    {
      g_debug ("Slot %s not checked: %s", sl_connection_get_slot (slot->connection),
               error->message);
      return;
    }

  slot->check_cancellable = g_cancellable_new ();
  sl_connection_set_checking (slot->connection, TRUE);
  sl_connection_check_async (slot->refresher, slot->check_cancellable, on_checked,
                             g_object_ref (slot->connection));
}

static void
check_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SlApplication *self = user_data;
  SlSlot *slot = lookup_slot_parameter (self, parameter, "check");

  if (slot != NULL
      && sl_connection_get_state (slot->connection) == SL_CONNECTION_STATE_CONNECTED)
    start_check (self, slot);
}

static void
reload_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SlApplication *self = user_data;
  SlSlot *slot = lookup_slot_parameter (self, parameter, "reload");

  if (slot != NULL)
    load_slot (self, slot);
}

/* ---- connect and reconnect --------------------------------------------- */

static void
on_flow_finished (SlSignInFlow  *flow,
                  gboolean       connected,
                  SlApplication *self)
{
  SlConnection *connection = sl_sign_in_flow_get_connection (flow);
  SlSlot *slot = find_slot (self, sl_connection_get_slot (connection));
  g_autofree char *message = NULL;

  if (connected)
    {
      /* Translators: %s is the email address of the Salesforce user. */
      message = g_strdup_printf (_("Connected as %s"), sl_connection_get_email (connection));
      add_toast (self, message);
      if (slot != NULL)
        check_stored_access (self, slot);
    }

  if (slot != NULL && slot->flow == flow)
    {
      g_signal_handlers_disconnect_by_data (flow, self);
      g_clear_object (&slot->flow);
    }
}

static void
start_sign_in (SlApplication *self,
               SlSlot        *slot,
               gboolean       force_login)
{
  g_autoptr (GError) error = NULL;
  SlTokenClient *client;
  SlWindow *window;

  window = ensure_window (self);
  sl_window_show_slot (window, sl_connection_get_slot (slot->connection));

  /* A sign-in requested before the keyring has been read, or while it is
   * being read, starts once the stored state is known, so the load cannot
   * overwrite it. */
  if (slot->flow == NULL && !sl_connection_get_known (slot->connection))
    load_slot (self, slot);

  if (slot->loading)
    {
      g_debug ("Sign-in of slot %s waits for the keyring",
               sl_connection_get_slot (slot->connection));
      if (slot->pending != PENDING_RECONNECT)
        slot->pending = force_login ? PENDING_RECONNECT : PENDING_CONNECT;
      return;
    }

  if (slot->flow != NULL)
    {
      sl_sign_in_flow_present (slot->flow);
      return;
    }

  client = ensure_client (self, &error);
  if (client == NULL)
    {
      g_debug ("Sign-in not started: %s", error->message);
      sl_connection_report_error (slot->connection, error->message, NULL);
      return;
    }

  cancel_check (slot);
  slot->flow = sl_sign_in_flow_new (slot->connection, client, force_login);
  g_signal_connect (slot->flow, "finished", G_CALLBACK (on_flow_finished), self);
  sl_sign_in_flow_start (slot->flow, GTK_WINDOW (window));
}

static SlSlot *
lookup_slot_parameter (SlApplication *self,
                       GVariant      *parameter,
                       const char    *action)
{
  const char *name = g_variant_get_string (parameter, NULL);
  SlSlot *slot = find_slot (self, name);

  if (slot == NULL)
    /* The name comes from any D-Bus client, so only its start is logged. */
    g_warning ("Ignored action %s for unknown slot “%.40s”%s", action, name,
               strlen (name) > 40 ? "…" : "");

  return slot;
}

static void
connect_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  SlApplication *self = user_data;
  SlSlot *slot = lookup_slot_parameter (self, parameter, "connect");

  if (slot != NULL)
    start_sign_in (self, slot, FALSE);
}

static void
reconnect_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  SlApplication *self = user_data;
  SlSlot *slot = lookup_slot_parameter (self, parameter, "reconnect");

  if (slot != NULL)
    start_sign_in (self, slot, TRUE);
}

/* ---- disconnect -------------------------------------------------------- */

typedef struct
{
  SlApplication *app;
  SlConnection  *connection;
} DisconnectData;

static void
disconnect_data_free (DisconnectData *data)
{
  g_clear_object (&data->app);
  g_clear_object (&data->connection);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DisconnectData, disconnect_data_free)

static void
on_disconnected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (DisconnectData) data = user_data;
  g_autoptr (GError) error = NULL;
  gboolean revoke_failed = FALSE;

  if (!sl_connection_disconnect_finish (data->connection, result, &revoke_failed, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_warning ("Could not disconnect slot %s: %s",
                 sl_connection_get_slot (data->connection), error->message);
      sl_connection_report_error (data->connection, error->message, NULL);
      return;
    }

  if (revoke_failed)
    /* A toast shows one short line, so the essentials come first. */
    add_toast (data->app, _("Disconnected, but the token could not be revoked"));
  else
    add_toast (data->app, _("Disconnected"));
}

/* Revocation goes to the login host that issued the token, which may
 * differ from the current settings. */
static SlTokenClient *
create_revoke_client (SlApplication  *self,
                      SlConnection   *connection,
                      GError        **error)
{
  const char *login_host = sl_connection_get_login_host (connection);
  g_autoptr (SlOAuthConfig) config = NULL;
  g_autofree char *client_id = NULL;
  SlTokenClient *client;

  client = ensure_client (self, NULL);
  if (client != NULL
      && (login_host == NULL
          || g_strcmp0 (login_host,
                        sl_oauth_config_get_login_host (sl_token_client_get_config (client))) == 0))
    return g_object_ref (client);

  client_id = g_settings_get_string (self->settings, "client-id");
  config = sl_oauth_config_new (login_host, client_id, error);
  if (config == NULL)
    return NULL;

  return sl_token_client_new (config);
}

static void
disconnect_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  SlApplication *self = user_data;
  SlSlot *slot = lookup_slot_parameter (self, parameter, "disconnect");
  g_autoptr (SlTokenClient) client = NULL;
  g_autoptr (GError) error = NULL;
  DisconnectData *data;

  if (slot == NULL)
    return;

  if (slot->flow != NULL)
    sl_sign_in_flow_cancel (slot->flow);

  client = create_revoke_client (self, slot->connection, &error);
  if (client == NULL)
    {
      sl_connection_report_error (slot->connection, error->message, NULL);
      return;
    }

  data = g_new0 (DisconnectData, 1);
  data->app = g_object_ref (self);
  data->connection = g_object_ref (slot->connection);
  cancel_check (slot);
  sl_connection_disconnect_async (slot->connection, client, slot->cancellable,
                                  on_disconnected, data);
}

/* ---- scheme handler ---------------------------------------------------- */

static char *
get_callback_state (const char *uri)
{
  g_autoptr (GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr (GHashTable) params = NULL;
  const char *query;

  query = parsed != NULL ? g_uri_get_query (parsed) : NULL;
  if (query == NULL)
    return NULL;

  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params == NULL)
    return NULL;

  return g_strdup (g_hash_table_lookup (params, "state"));
}

/* Hands @uri to the sign-in that waits for exactly this `state`. */
static gboolean
route_callback (SlApplication *self,
                const char    *uri)
{
  g_autofree char *state = get_callback_state (uri);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      SlSignInFlow *flow = self->slots[i].flow;

      if (flow != NULL && sl_sign_in_flow_expects_state (flow, state))
        return sl_sign_in_flow_handle_callback (flow, uri);
    }

  return FALSE;
}

static void
sl_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  SlApplication *self = SL_APPLICATION (app);

  ensure_window (self);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autofree char *scheme = NULL;

      if (!sl_oauth_is_callback_uri (uri))
        {
          /* Only the scheme is logged because the link may hold secrets. */
          scheme = g_file_get_uri_scheme (files[i]);
          g_message ("Rejected a link that is not a sign-in callback (scheme %s)", scheme);
          continue;
        }

      /* The query is not logged because it may hold an authorization code. */
      if (!route_callback (self, uri))
        g_message ("Rejected a sign-in callback whose state matches no sign-in in progress");
    }
}

/* ---- other actions ----------------------------------------------------- */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  SlApplication *self = user_data;
  static const char *developers[] = { "SupportLogic", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", get_window (self),
                        "application-name", _("SupportLogic Connect"),
                        "application-icon", APPLICATION_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", "SupportLogic",
                        "developers", developers,
                        "comments", _("Connects SupportLogic to Salesforce and writes "
                                      "support work back to cases."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
show_slot_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  SlApplication *self = SL_APPLICATION (user_data);
  const char *name = g_variant_get_string (parameter, NULL);
  SlWindow *window;

  if (find_slot (self, name) == NULL)
    {
      g_warning ("Ignored action show-slot for unknown slot “%s”", name);
      return;
    }

  window = ensure_window (self);
  sl_window_show_slot (window, name);
  gtk_window_present (GTK_WINDOW (window));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SlApplication *self = user_data;
  GtkWidget *preferences;

  preferences = sl_preferences_window_new (GTK_WINDOW (get_window (self)), self->settings,
                                           find_slot (self, SL_SLOT_INTEGRATION)->connection,
                                           find_slot (self, SL_SLOT_USER)->connection);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { .name = "connect", .activate = connect_activated, .parameter_type = "s" },
  { .name = "disconnect", .activate = disconnect_activated, .parameter_type = "s" },
  { .name = "reconnect", .activate = reconnect_activated, .parameter_type = "s" },
  { .name = "check", .activate = check_activated, .parameter_type = "s" },
  { .name = "reload", .activate = reload_activated, .parameter_type = "s" },
  { .name = "show-slot", .activate = show_slot_activated, .parameter_type = "s" },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "about", .activate = about_activated },
  { .name = "quit", .activate = quit_activated },
};

/* ---- command line ------------------------------------------------------ */

static int
sl_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  gboolean status = g_variant_dict_contains (options, "status");
  gboolean json = g_variant_dict_contains (options, "json");

  if (json && !status)
    {
      g_printerr ("%s\n", _("The --json option can only be used with --status."));
      return 1;
    }

  if (!status)
    return -1;

  /* Only when this program is started directly: supportlogic-connect
   * prints --status itself without starting it. No display or network is
   * needed. */
  sl_status_report_print (json);

  return 0;
}

static void
add_options (SlApplication *self)
{
  const GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_NONE, NULL,
      _("Print the state of each Salesforce connection and exit"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
      _("Print the --status output as JSON"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

/* ---- life cycle -------------------------------------------------------- */

static void
sl_application_startup (GApplication *app)
{
  SlApplication *self = SL_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *cases_accels[] = { "<Control>1", NULL };
  static const char *settings_accels[] = { "<Control>2", NULL };
  static const char *profile_accels[] = { "<Control>3", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (sl_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-cases",
                                         cases_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-settings",
                                         settings_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-profile",
                                         profile_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         shortcuts_accels);

  self->settings = g_settings_new (APPLICATION_ID);
}

static void
sl_application_shutdown (GApplication *app)
{
  SlApplication *self = SL_APPLICATION (app);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      g_cancellable_cancel (self->slots[i].cancellable);
      cancel_check (&self->slots[i]);
      if (self->slots[i].flow != NULL)
        sl_sign_in_flow_cancel (self->slots[i].flow);
    }

  G_APPLICATION_CLASS (sl_application_parent_class)->shutdown (app);
}

static void
sl_application_dispose (GObject *object)
{
  SlApplication *self = SL_APPLICATION (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      if (self->slots[i].flow != NULL)
        g_signal_handlers_disconnect_by_data (self->slots[i].flow, self);
      g_clear_object (&self->slots[i].flow);
      cancel_check (&self->slots[i]);
      g_clear_object (&self->slots[i].cancellable);
      g_clear_object (&self->slots[i].connection);
      if (self->slots[i].refresher != NULL)
        g_signal_handlers_disconnect_by_data (self->slots[i].refresher, self);
      g_clear_object (&self->slots[i].refresher);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sl_application_parent_class)->dispose (object);
}

static void
sl_application_class_init (SlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sl_application_dispose;
  app_class->startup = sl_application_startup;
  app_class->shutdown = sl_application_shutdown;
  app_class->activate = sl_application_activate;
  app_class->open = sl_application_open;
  app_class->handle_local_options = sl_application_handle_local_options;
}

static void
sl_application_init (SlApplication *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      self->slots[i].connection = sl_connection_new (slot_names[i]);
      self->slots[i].cancellable = g_cancellable_new ();
    }

  add_options (self);
}

SlApplication *
sl_application_new (void)
{
  return g_object_new (SL_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/com/supportlogic/Connect",
                       NULL);
}
