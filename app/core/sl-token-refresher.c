/* sl-token-refresher.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-connection.h"
#include "sl-keyring.h"
#include "sl-oauth-error.h"
#include "sl-token-refresher.h"

struct _SlTokenRefresher
{
  GObject parent_instance;

  char *slot;
  SlTokenClient *client;
  /* GTasks of the callers waiting for the running refresh, or NULL when
   * no refresh runs. */
  GPtrArray *waiters;
};

G_DEFINE_FINAL_TYPE (SlTokenRefresher, sl_token_refresher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SLOT,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_REAUTH_REQUIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Source tag of the callers' tasks. ISO C forbids converting a function
 * pointer to gpointer, so the tag is the address of this variable. */
static const char refresh_tag;

/* State of the one refresh that runs for all waiters. */
typedef struct
{
  SlTokenRefresher *self;
  char *rejected_access_token;
  SlCredentials *stored;
  SlCredentials *refreshed;
} Flight;

static void
flight_free (Flight *flight)
{
  g_clear_object (&flight->self);
  g_clear_pointer (&flight->rejected_access_token, sl_secure_free);
  g_clear_pointer (&flight->stored, sl_credentials_free);
  g_clear_pointer (&flight->refreshed, sl_credentials_free);
  g_free (flight);
}

/* Ends @flight and hands its outcome (@credentials, or @error when
 * @credentials is NULL) to every waiter. */
static void
flight_finish (Flight              *flight,
               const SlCredentials *credentials,
               const GError        *error)
{
  SlTokenRefresher *self = flight->self;
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  g_debug ("Refresh of slot %s finished for %u callers: %s", self->slot, waiters->len,
           credentials != NULL ? "renewed" : error->message);

  if (sl_token_refresher_error_needs_reauth (error))
    g_signal_emit (self, signals[SIGNAL_REAUTH_REQUIRED], 0, error->message);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (credentials != NULL)
        g_task_return_pointer (task, sl_credentials_copy (credentials),
                               (GDestroyNotify) sl_credentials_free);
      else
        g_task_return_error (task, g_error_copy (error));
    }

  flight_free (flight);
}

static void
replace_secret (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  sl_secure_free (*field);
  *field = copy;
}

static void
replace_string (char       **field,
                const char  *value)
{
  char *copy = g_strdup (value);

  g_free (*field);
  *field = copy;
}

/* Returns @stored with the tokens and token fields of @refreshed. Without
 * rotation the response has no refresh token and the stored one stays. */
static SlCredentials *
merge_refreshed (const SlCredentials *stored,
                 const SlCredentials *refreshed)
{
  SlCredentials *merged = sl_credentials_copy (stored);

  replace_secret (&merged->access_token, refreshed->access_token);
  if (refreshed->refresh_token != NULL)
    replace_secret (&merged->refresh_token, refreshed->refresh_token);
  replace_string (&merged->instance_url, refreshed->instance_url);
  if (refreshed->id_url != NULL)
    replace_string (&merged->id_url, refreshed->id_url);
  if (refreshed->scope != NULL && refreshed->scope[0] != '\0')
    replace_string (&merged->scope, refreshed->scope);
  merged->issued_at_ms = refreshed->issued_at_ms;

  return merged;
}

static void
on_refreshed_stored (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(GError) error = NULL;

  /* NOTE: when the keyring rejects a rotated refresh token, the running
   * app goes on with the new tokens, but after a restart the older refresh
   * token no longer works and the slot needs a new sign-in. */
  if (!sl_keyring_store_finish (result, &error))
    g_warning ("Could not store the renewed Salesforce tokens of slot %s: %s",
               flight->self->slot, error->message);

  flight_finish (flight, flight->refreshed, NULL);
}

/* Stores the renewed tokens unless the item changed during the refresh:
 * then the callers get the item's current contents, or an error when it is
 * gone, and the renewed tokens are dropped. */
static void
on_reloaded_before_store (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(SlCredentials) current = NULL;
  g_autoptr(GError) error = NULL;

  current = sl_keyring_load_finish (result, &error);
  if (error == NULL && current == NULL)
    {
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("This Salesforce account was disconnected while its session "
                             "was renewed."));
      flight_finish (flight, NULL, error);
      return;
    }

  if (current != NULL
      && g_strcmp0 (current->refresh_token, flight->stored->refresh_token) != 0)
    {
      g_debug ("Slot %s changed during the refresh; keeping the new item", flight->self->slot);
      flight_finish (flight, current, NULL);
      return;
    }

  /* An unreadable item is replaced as before, so the renewed tokens are
   * not lost. The item can still change between the read and this write,
   * but only within one keyring round trip. */
  sl_keyring_store_async (flight->self->slot, flight->refreshed, NULL,
                          on_refreshed_stored, flight);
}

static void
on_token_refreshed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(SlCredentials) refreshed = NULL;
  g_autoptr(GError) error = NULL;

  refreshed = sl_token_client_refresh_finish (SL_TOKEN_CLIENT (source), result, &error);
  if (refreshed == NULL)
    {
      flight_finish (flight, NULL, error);
      return;
    }

  flight->refreshed = merge_refreshed (flight->stored, refreshed);
  g_debug ("Renewed the access token of slot %s%s", flight->self->slot,
           refreshed->refresh_token != NULL ? " and its rotated refresh token" : "");

  /* A sign-in or a disconnect may have replaced the item meanwhile; it is
   * read again so the older account's tokens never overwrite it. */
  sl_keyring_load_async (flight->self->slot, NULL, on_reloaded_before_store, flight);
}

/* Fails a refresh that cannot run because the item has no refresh token. */
static void
finish_without_refresh_token (Flight *flight)
{
  g_autoptr(GError) error = NULL;

  sl_oauth_set_error (&error, SL_OAUTH_ERROR_INVALID_GRANT, NULL,
                      _("The saved Salesforce sign-in has no refresh token, so the "
                        "session cannot be renewed."));
  flight_finish (flight, NULL, error);
}

static void
on_stored_loaded (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Flight *flight = user_data;
  g_autoptr(GError) error = NULL;

  flight->stored = sl_keyring_load_finish (result, &error);
  if (error == NULL && flight->stored == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                         _("This Salesforce account is no longer connected. Connect it "
                           "again."));

  if (error != NULL)
    flight_finish (flight, NULL, error);
  else if (flight->rejected_access_token != NULL
           && g_strcmp0 (flight->stored->access_token, flight->rejected_access_token) != 0)
    flight_finish (flight, flight->stored, NULL);
  else if (flight->stored->refresh_token == NULL || flight->stored->refresh_token[0] == '\0')
    finish_without_refresh_token (flight);
  else
    sl_token_client_refresh_async (flight->self->client, flight->stored->refresh_token, NULL,
                                   on_token_refreshed, flight);
}

/* The flight runs without a cancellable: a caller that gives up must not
 * end the refresh for the others. */
static void
start_flight (SlTokenRefresher *self,
              const char       *rejected_access_token)
{
  Flight *flight = g_new0 (Flight, 1);

  flight->self = g_object_ref (self);
  flight->rejected_access_token = g_strdup (rejected_access_token);

  g_debug ("Refreshing the access token of slot %s", self->slot);
  sl_keyring_load_async (self->slot, NULL, on_stored_loaded, flight);
}

/* GObject */

static void
sl_token_refresher_finalize (GObject *object)
{
  SlTokenRefresher *self = (SlTokenRefresher *)object;

  /* Each flight holds a reference, so none can be running. */
  g_assert (self->waiters == NULL);

  g_clear_pointer (&self->slot, g_free);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (sl_token_refresher_parent_class)->finalize (object);
}

static void
sl_token_refresher_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SlTokenRefresher *self = SL_TOKEN_REFRESHER (object);

  switch (prop_id)
    {
    case PROP_SLOT:
      g_value_set_string (value, self->slot);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_token_refresher_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SlTokenRefresher *self = SL_TOKEN_REFRESHER (object);

  switch (prop_id)
    {
    case PROP_SLOT:
      self->slot = g_value_dup_string (value);
      break;

    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_token_refresher_class_init (SlTokenRefresherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_token_refresher_finalize;
  object_class->get_property = sl_token_refresher_get_property;
  object_class->set_property = sl_token_refresher_set_property;

  properties[PROP_SLOT] =
    g_param_spec_string ("slot", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, SL_TYPE_TOKEN_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REAUTH_REQUIRED] =
    g_signal_new ("reauth-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
sl_token_refresher_init (SlTokenRefresher *self)
{
}

SlTokenRefresher *
sl_token_refresher_new (const char    *slot,
                        SlTokenClient *client)
{
  g_return_val_if_fail (sl_slot_name_is_valid (slot), NULL);
  g_return_val_if_fail (SL_IS_TOKEN_CLIENT (client), NULL);

  return g_object_new (SL_TYPE_TOKEN_REFRESHER, "slot", slot, "client", client, NULL);
}

const char *
sl_token_refresher_get_slot (SlTokenRefresher *self)
{
  g_return_val_if_fail (SL_IS_TOKEN_REFRESHER (self), NULL);

  return self->slot;
}

SlTokenClient *
sl_token_refresher_get_client (SlTokenRefresher *self)
{
  g_return_val_if_fail (SL_IS_TOKEN_REFRESHER (self), NULL);

  return self->client;
}

void
sl_token_refresher_refresh_async (SlTokenRefresher    *self,
                                  const char          *rejected_access_token,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SL_IS_TOKEN_REFRESHER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, (gpointer) &refresh_tag);

  if (self->waiters != NULL)
    {
      g_debug ("Joining the running refresh of slot %s", self->slot);
      g_ptr_array_add (self->waiters, task);
      return;
    }

  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->waiters, task);
  start_flight (self, rejected_access_token);
}

SlCredentials *
sl_token_refresher_refresh_finish (SlTokenRefresher  *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (SL_IS_TOKEN_REFRESHER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &refresh_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
sl_token_refresher_error_needs_reauth (const GError *error)
{
  return g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_INVALID_GRANT);
}
