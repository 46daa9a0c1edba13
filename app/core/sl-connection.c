/* sl-connection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-connection.h"
#include "sl-keyring.h"

struct _SlConnection
{
  GObject           parent_instance;

  char             *slot;
  SlConnectionState state;
  char             *email;
  char             *username;
  char             *user_id;
  char             *org_id;
  char             *instance_url;
  char             *login_host;
  GDateTime        *connected_at;
  char             *last_error;
  char             *last_error_code;
  char             *warning;
  guint             busy_count;
  gboolean          checking;
  gboolean          known;

  /* Set between sl_connection_begin_sign_in() and the end of the sign-in,
   * so a cancelled sign-in can put back the state and error it replaced. */
  gboolean          signing_in;
  SlConnectionState state_before_sign_in;
  char             *error_before_sign_in;
  char             *error_code_before_sign_in;
};

G_DEFINE_FINAL_TYPE (SlConnection, sl_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SLOT,
  PROP_STATE,
  PROP_EMAIL,
  PROP_USERNAME,
  PROP_USER_ID,
  PROP_ORG_ID,
  PROP_INSTANCE_URL,
  PROP_LOGIN_HOST,
  PROP_CONNECTED_AT,
  PROP_LAST_ERROR,
  PROP_LAST_ERROR_CODE,
  PROP_BUSY,
  PROP_CHECKING,
  PROP_WARNING,
  PROP_KNOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* GTask source tags. ISO C has no conversion between function pointers and
 * gpointer, so the tags are addresses of these variables. */
static char load_tag, store_tag, disconnect_tag;

G_DEFINE_ENUM_TYPE (SlConnectionState, sl_connection_state,
  G_DEFINE_ENUM_VALUE (SL_CONNECTION_STATE_DISCONNECTED, "disconnected"),
  G_DEFINE_ENUM_VALUE (SL_CONNECTION_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (SL_CONNECTION_STATE_CONNECTED, "connected"),
  G_DEFINE_ENUM_VALUE (SL_CONNECTION_STATE_NEEDS_REAUTH, "needs-reauth"),
  G_DEFINE_ENUM_VALUE (SL_CONNECTION_STATE_ERROR, "error"))

gboolean
sl_slot_name_is_valid (const char *slot)
{
  return g_strcmp0 (slot, SL_SLOT_INTEGRATION) == 0 ||
         g_strcmp0 (slot, SL_SLOT_USER) == 0;
}

const char *
sl_connection_state_to_string (SlConnectionState state)
{
  switch (state)
    {
    case SL_CONNECTION_STATE_DISCONNECTED:
      return "disconnected";
    case SL_CONNECTION_STATE_CONNECTING:
      return "connecting";
    case SL_CONNECTION_STATE_CONNECTED:
      return "connected";
    case SL_CONNECTION_STATE_NEEDS_REAUTH:
      return "needs-reauth";
    case SL_CONNECTION_STATE_ERROR:
      return "error";
    default:
      g_return_val_if_reached ("error");
    }
}

/* Property helpers: each notifies only when the value changes. */

static void
set_string (SlConnection *self,
            char        **field,
            const char   *value,
            guint         prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_connected_at (SlConnection *self,
                  GDateTime    *connected_at)
{
  g_autoptr(GDateTime) utc = NULL;

  if (connected_at != NULL)
    utc = g_date_time_to_utc (connected_at);

  if (self->connected_at == utc ||
      (self->connected_at != NULL && utc != NULL &&
       g_date_time_equal (self->connected_at, utc)))
    return;

  g_clear_pointer (&self->connected_at, g_date_time_unref);
  self->connected_at = g_steal_pointer (&utc);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED_AT]);
}

static void
busy_begin (SlConnection *self)
{
  self->busy_count++;
  if (self->busy_count == 1)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
busy_end (SlConnection *self)
{
  g_return_if_fail (self->busy_count > 0);

  self->busy_count--;
  if (self->busy_count == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
clear_identity (SlConnection *self)
{
  set_string (self, &self->email, NULL, PROP_EMAIL);
  set_string (self, &self->username, NULL, PROP_USERNAME);
  set_string (self, &self->user_id, NULL, PROP_USER_ID);
  set_string (self, &self->org_id, NULL, PROP_ORG_ID);
  set_string (self, &self->instance_url, NULL, PROP_INSTANCE_URL);
  set_string (self, &self->login_host, NULL, PROP_LOGIN_HOST);
  set_string (self, &self->warning, NULL, PROP_WARNING);
  set_connected_at (self, NULL);
}

/* GObject */

static void
sl_connection_finalize (GObject *object)
{
  SlConnection *self = (SlConnection *) object;

  g_clear_pointer (&self->slot, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->org_id, g_free);
  g_clear_pointer (&self->instance_url, g_free);
  g_clear_pointer (&self->login_host, g_free);
  g_clear_pointer (&self->connected_at, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_pointer (&self->last_error_code, g_free);
  g_clear_pointer (&self->warning, g_free);
  g_clear_pointer (&self->error_before_sign_in, g_free);
  g_clear_pointer (&self->error_code_before_sign_in, g_free);

  G_OBJECT_CLASS (sl_connection_parent_class)->finalize (object);
}

static void
sl_connection_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlConnection *self = SL_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_SLOT:
      g_value_set_string (value, self->slot);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;
    case PROP_USERNAME:
      g_value_set_string (value, self->username);
      break;
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;
    case PROP_ORG_ID:
      g_value_set_string (value, self->org_id);
      break;
    case PROP_INSTANCE_URL:
      g_value_set_string (value, self->instance_url);
      break;
    case PROP_LOGIN_HOST:
      g_value_set_string (value, self->login_host);
      break;
    case PROP_CONNECTED_AT:
      g_value_set_boxed (value, self->connected_at);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_LAST_ERROR_CODE:
      g_value_set_string (value, self->last_error_code);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy_count > 0);
      break;
    case PROP_CHECKING:
      g_value_set_boolean (value, self->checking);
      break;
    case PROP_WARNING:
      g_value_set_string (value, self->warning);
      break;
    case PROP_KNOWN:
      g_value_set_boolean (value, self->known);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_connection_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SlConnection *self = SL_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_SLOT:
      self->slot = g_value_dup_string (value);
      break;
    case PROP_STATE:
      sl_connection_set_state (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                              G_PARAM_STATIC_STRINGS);
}

static void
sl_connection_class_init (SlConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sl_connection_finalize;
  object_class->get_property = sl_connection_get_property;
  object_class->set_property = sl_connection_set_property;

  properties[PROP_SLOT] =
    g_param_spec_string ("slot", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SL_TYPE_CONNECTION_STATE, SL_CONNECTION_STATE_DISCONNECTED,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                       G_PARAM_STATIC_STRINGS);
  properties[PROP_EMAIL] = string_property ("email");
  properties[PROP_USERNAME] = string_property ("username");
  properties[PROP_USER_ID] = string_property ("user-id");
  properties[PROP_ORG_ID] = string_property ("org-id");
  properties[PROP_INSTANCE_URL] = string_property ("instance-url");
  properties[PROP_LOGIN_HOST] = string_property ("login-host");
  properties[PROP_CONNECTED_AT] =
    g_param_spec_boxed ("connected-at", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] = string_property ("last-error");
  properties[PROP_LAST_ERROR_CODE] = string_property ("last-error-code");
  properties[PROP_WARNING] = string_property ("warning");
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_CHECKING] =
    g_param_spec_boolean ("checking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_KNOWN] =
    g_param_spec_boolean ("known", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sl_connection_init (SlConnection *self)
{
  self->state = SL_CONNECTION_STATE_DISCONNECTED;
}

SlConnection *
sl_connection_new (const char *slot)
{
  g_return_val_if_fail (sl_slot_name_is_valid (slot), NULL);

  return g_object_new (SL_TYPE_CONNECTION, "slot", slot, NULL);
}

/* Getters */

const char *
sl_connection_get_slot (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->slot;
}

SlConnectionState
sl_connection_get_state (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), SL_CONNECTION_STATE_DISCONNECTED);
  return self->state;
}

const char *
sl_connection_get_email (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->email;
}

const char *
sl_connection_get_username (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->username;
}

const char *
sl_connection_get_user_id (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->user_id;
}

const char *
sl_connection_get_org_id (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->org_id;
}

const char *
sl_connection_get_instance_url (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->instance_url;
}

const char *
sl_connection_get_login_host (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->login_host;
}

GDateTime *
sl_connection_get_connected_at (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->connected_at;
}

const char *
sl_connection_get_last_error (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->last_error;
}

const char *
sl_connection_get_last_error_code (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->last_error_code;
}

gboolean
sl_connection_get_busy (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);
  return self->busy_count > 0;
}

const char *
sl_connection_get_warning (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), NULL);
  return self->warning;
}

gboolean
sl_connection_get_known (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);

  return self->known;
}

gboolean
sl_connection_get_checking (SlConnection *self)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);
  return self->checking;
}

/* Model changes */

void
sl_connection_set_warning (SlConnection *self,
                           const char   *warning)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  set_string (self, &self->warning, warning, PROP_WARNING);
}

void
sl_connection_set_checking (SlConnection *self,
                            gboolean      checking)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  checking = !!checking;
  if (self->checking == checking)
    return;

  self->checking = checking;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKING]);
}

void
sl_connection_set_state (SlConnection      *self,
                         SlConnectionState  state)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  if (!self->known)
    {
      self->known = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KNOWN]);
    }

  if (self->state == state)
    return;

  g_debug ("Slot %s: %s -> %s", self->slot,
           sl_connection_state_to_string (self->state),
           sl_connection_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
sl_connection_apply_credentials (SlConnection        *self,
                                 const SlCredentials *credentials)
{
  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (credentials != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  /* A warning about one user's permissions does not carry over to another. */
  if (g_strcmp0 (self->user_id, credentials->user_id) != 0)
    set_string (self, &self->warning, NULL, PROP_WARNING);
  set_string (self, &self->email, credentials->email, PROP_EMAIL);
  set_string (self, &self->username, credentials->username, PROP_USERNAME);
  set_string (self, &self->user_id, credentials->user_id, PROP_USER_ID);
  set_string (self, &self->org_id, credentials->org_id, PROP_ORG_ID);
  set_string (self, &self->instance_url, credentials->instance_url, PROP_INSTANCE_URL);
  set_string (self, &self->login_host, credentials->login_host, PROP_LOGIN_HOST);
  set_connected_at (self, credentials->connected_at);
  sl_connection_clear_error (self);
  self->signing_in = FALSE;
  sl_connection_set_state (self, SL_CONNECTION_STATE_CONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sl_connection_reset (SlConnection *self)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  g_object_freeze_notify (G_OBJECT (self));
  clear_identity (self);
  sl_connection_clear_error (self);
  self->signing_in = FALSE;
  sl_connection_set_state (self, SL_CONNECTION_STATE_DISCONNECTED);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns the state that a failure leaves: a connected slot stays
 * connected, a slot that needed a new sign-in still needs one, and any
 * other slot shows the error. */
static SlConnectionState
state_after_failure (SlConnection *self)
{
  SlConnectionState previous = self->signing_in ? self->state_before_sign_in
                                                : self->state;

  if (self->state == SL_CONNECTION_STATE_CONNECTED)
    return SL_CONNECTION_STATE_CONNECTED;
  if (previous == SL_CONNECTION_STATE_NEEDS_REAUTH)
    return SL_CONNECTION_STATE_NEEDS_REAUTH;

  return SL_CONNECTION_STATE_ERROR;
}

void
sl_connection_report_error (SlConnection *self,
                            const char   *message,
                            const char   *code)
{
  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (message != NULL);

  g_debug ("Slot %s: error %s: %s", self->slot, code != NULL ? code : "(none)", message);

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->last_error, message, PROP_LAST_ERROR);
  set_string (self, &self->last_error_code, code, PROP_LAST_ERROR_CODE);
  sl_connection_set_state (self, state_after_failure (self));
  self->signing_in = FALSE;
  g_object_thaw_notify (G_OBJECT (self));
}

void
sl_connection_clear_error (SlConnection *self)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  set_string (self, &self->last_error, NULL, PROP_LAST_ERROR);
  set_string (self, &self->last_error_code, NULL, PROP_LAST_ERROR_CODE);
}

void
sl_connection_require_reauth (SlConnection *self,
                              const char   *reason)
{
  g_autofree char *message = NULL;

  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (reason != NULL);

  if (self->state != SL_CONNECTION_STATE_CONNECTED
      && self->state != SL_CONNECTION_STATE_NEEDS_REAUTH)
    {
      g_debug ("Slot %s is %s, ignoring a rejected refresh token", self->slot,
               sl_connection_state_to_string (self->state));
      return;
    }

  /* Translators: %s is the reason, e.g. that Salesforce rejected the sign-in. */
  message = g_strdup_printf (_("Reconnect required: %s"), reason);

  if (self->signing_in)
    {
      self->state_before_sign_in = SL_CONNECTION_STATE_NEEDS_REAUTH;
      g_free (self->error_before_sign_in);
      self->error_before_sign_in = g_strdup (message);
      g_clear_pointer (&self->error_code_before_sign_in, g_free);
    }

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->last_error, message, PROP_LAST_ERROR);
  set_string (self, &self->last_error_code, NULL, PROP_LAST_ERROR_CODE);
  sl_connection_set_state (self, SL_CONNECTION_STATE_NEEDS_REAUTH);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sl_connection_begin_sign_in (SlConnection *self)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  if (!self->signing_in)
    {
      self->state_before_sign_in = self->state;
      g_free (self->error_before_sign_in);
      g_free (self->error_code_before_sign_in);
      self->error_before_sign_in = g_strdup (self->last_error);
      self->error_code_before_sign_in = g_strdup (self->last_error_code);
    }
  self->signing_in = TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  sl_connection_clear_error (self);
  if (self->state != SL_CONNECTION_STATE_CONNECTED)
    sl_connection_set_state (self, SL_CONNECTION_STATE_CONNECTING);
  g_object_thaw_notify (G_OBJECT (self));
}

void
sl_connection_cancel_sign_in (SlConnection *self)
{
  g_return_if_fail (SL_IS_CONNECTION (self));

  if (!self->signing_in)
    return;

  self->signing_in = FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->last_error, self->error_before_sign_in, PROP_LAST_ERROR);
  set_string (self, &self->last_error_code, self->error_code_before_sign_in,
              PROP_LAST_ERROR_CODE);
  sl_connection_set_state (self, self->state_before_sign_in);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Returns the diagnostic code for a keyring error, e.g. "keyring-locked". */
static const char *
keyring_error_code (const GError *error)
{
  if (error->domain != SL_KEYRING_ERROR)
    return "keyring-failed";

  switch (error->code)
    {
    case SL_KEYRING_ERROR_UNAVAILABLE:
      return "keyring-unavailable";
    case SL_KEYRING_ERROR_LOCKED:
      return "keyring-locked";
    case SL_KEYRING_ERROR_INVALID_ITEM:
      return "keyring-invalid-item";
    default:
      return "keyring-failed";
    }
}

/* Load */

static void
on_load_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlConnection *self = g_task_get_source_object (task);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = sl_keyring_load_finish (result, &error);
  busy_end (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_object_freeze_notify (G_OBJECT (self));
      clear_identity (self);
      self->signing_in = FALSE;
      sl_connection_report_error (self, error->message, keyring_error_code (error));
      sl_connection_set_state (self, SL_CONNECTION_STATE_ERROR);
      g_object_thaw_notify (G_OBJECT (self));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (credentials != NULL)
    sl_connection_apply_credentials (self, credentials);
  else
    sl_connection_reset (self);

  g_task_return_boolean (task, TRUE);
}

void
sl_connection_load_async (SlConnection        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, &load_tag);

  busy_begin (self);
  sl_keyring_load_async (self->slot, cancellable, on_load_done, task);
}

gboolean
sl_connection_load_finish (SlConnection  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &load_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Store */

static void
on_store_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlConnection *self = g_task_get_source_object (task);
  const SlCredentials *credentials = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  sl_keyring_store_finish (result, &error);
  busy_end (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sl_connection_cancel_sign_in (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      sl_connection_report_error (self, error->message, keyring_error_code (error));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sl_connection_apply_credentials (self, credentials);
  g_task_return_boolean (task, TRUE);
}

void
sl_connection_store_async (SlConnection        *self,
                           const SlCredentials *credentials,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, &store_tag);
  /* The copy keeps the identity to show once the item is stored. Freeing
   * it overwrites its tokens. */
  g_task_set_task_data (task, sl_credentials_copy (credentials),
                        (GDestroyNotify) sl_credentials_free);

  busy_begin (self);
  sl_keyring_store_async (self->slot, credentials, cancellable, on_store_done, task);
}

gboolean
sl_connection_store_finish (SlConnection  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &store_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Disconnect: load the item for its token, revoke it, delete the item. */

typedef struct
{
  SlTokenClient *client;
  gboolean       revoke_failed;
} DisconnectData;

static void
disconnect_data_free (DisconnectData *data)
{
  g_clear_object (&data->client);
  g_free (data);
}

static void
on_disconnect_deleted (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlConnection *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  sl_keyring_delete_finish (result, &error);
  busy_end (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error != NULL)
    {
      g_debug ("Could not delete the keyring item of slot %s: %s",
               self->slot, error->message);
      sl_connection_report_error (self, error->message, keyring_error_code (error));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("Slot %s disconnected", self->slot);
  sl_connection_reset (self);
  g_task_return_boolean (task, TRUE);
}

static void
disconnect_delete_item (GTask *task)
{
  SlConnection *self = g_task_get_source_object (task);

  sl_keyring_delete_async (self->slot, g_task_get_cancellable (task),
                           on_disconnect_deleted, task);
}

static void
on_disconnect_revoked (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  DisconnectData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!sl_token_client_revoke_finish (SL_TOKEN_CLIENT (source), result, &error))
    {
      /* The item is deleted anyway: a token that cannot be revoked now
       * still expires or can be revoked by an administrator. */
      g_message ("Could not revoke the Salesforce token of slot %s: %s",
                 SL_CONNECTION (g_task_get_source_object (task))->slot, error->message);
      data->revoke_failed = TRUE;
    }

  if (g_task_return_error_if_cancelled (task))
    {
      busy_end (g_task_get_source_object (task));
      g_object_unref (task);
      return;
    }

  disconnect_delete_item (task);
}

/* Returns the token that disconnect revokes: the refresh token, because
 * revoking it also ends its access tokens, or else the access token. */
static const char *
token_to_revoke (const SlCredentials *credentials)
{
  if (credentials->refresh_token != NULL && *credentials->refresh_token != '\0')
    return credentials->refresh_token;

  return credentials->access_token;
}

static void
on_disconnect_loaded (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  DisconnectData *data = g_task_get_task_data (task);
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = sl_keyring_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      busy_end (g_task_get_source_object (task));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  if (error != NULL)
    {
      /* Without a readable item there is no token to revoke, but the item
       * must still go. */
      g_debug ("Could not read the item to revoke its token: %s", error->message);
      data->revoke_failed = TRUE;
      disconnect_delete_item (task);
      return;
    }

  if (credentials == NULL || data->client == NULL)
    {
      data->revoke_failed = credentials != NULL;
      disconnect_delete_item (task);
      return;
    }

  /* The revoke request copies the token, and the credentials are wiped
   * when they go out of scope here. */
  sl_token_client_revoke_async (data->client, token_to_revoke (credentials),
                                g_task_get_cancellable (task),
                                on_disconnect_revoked, task);
}

void
sl_connection_disconnect_async (SlConnection        *self,
                                SlTokenClient       *client,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  DisconnectData *data;

  g_return_if_fail (SL_IS_CONNECTION (self));
  g_return_if_fail (client == NULL || SL_IS_TOKEN_CLIENT (client));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (DisconnectData, 1);
  if (client != NULL)
    data->client = g_object_ref (client);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, &disconnect_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) disconnect_data_free);

  g_debug ("Disconnecting slot %s", self->slot);
  busy_begin (self);
  sl_keyring_load_async (self->slot, cancellable, on_disconnect_loaded, task);
}

gboolean
sl_connection_disconnect_finish (SlConnection  *self,
                                 GAsyncResult  *result,
                                 gboolean      *revoke_failed,
                                 GError       **error)
{
  DisconnectData *data;

  g_return_val_if_fail (SL_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &disconnect_tag, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (revoke_failed != NULL)
    *revoke_failed = data->revoke_failed;

  return g_task_propagate_boolean (G_TASK (result), error);
}
