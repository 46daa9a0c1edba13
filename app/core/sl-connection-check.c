/* sl-connection-check.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-connection-check.h"
#include "sl-keyring.h"
#include "sl-oauth-error.h"

static char check_tag;

typedef struct
{
  SlTokenRefresher *refresher;
  /* Set once the access token has been renewed, so a second rejection
   * ends the check instead of refreshing again. */
  gboolean          refreshed;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_object (&data->refresher);
  g_free (data);
}

static void ask_identity (GTask               *task,
                          const SlCredentials *credentials);

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = sl_token_refresher_refresh_finish (SL_TOKEN_REFRESHER (source), result, &error);
  if (credentials == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  ask_identity (task, credentials);
}

static void
on_identity (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  CheckData *data = g_task_get_task_data (task);
  SlCredentials *checked;
  GError *error = NULL;

  checked = sl_token_client_fetch_identity_finish (SL_TOKEN_CLIENT (source), result, &error);
  if (checked != NULL)
    {
      g_task_return_pointer (task, checked, (GDestroyNotify) sl_credentials_free);
      g_object_unref (task);
      return;
    }

  if (!data->refreshed && g_error_matches (error, SL_OAUTH_ERROR, SL_OAUTH_ERROR_BAD_TOKEN))
    {
      g_debug ("Slot %s: the access token was rejected, renewing it",
               sl_token_refresher_get_slot (data->refresher));
      g_clear_error (&error);
      data->refreshed = TRUE;
      sl_token_refresher_refresh_async (data->refresher, NULL, g_task_get_cancellable (task),
                                        on_refreshed, task);
      return;
    }

  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
ask_identity (GTask               *task,
              const SlCredentials *credentials)
{
  CheckData *data = g_task_get_task_data (task);

  sl_token_client_fetch_identity_async (sl_token_refresher_get_client (data->refresher),
                                        credentials, g_task_get_cancellable (task),
                                        on_identity, task);
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = sl_keyring_load_finish (result, &error);
  if (credentials == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 _("The connection is no longer stored on this computer."));
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  ask_identity (task, credentials);
}

void
sl_connection_check_async (SlTokenRefresher    *refresher,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  CheckData *data;
  GTask *task;

  g_return_if_fail (SL_IS_TOKEN_REFRESHER (refresher));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (CheckData, 1);
  data->refresher = g_object_ref (refresher);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, &check_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  g_debug ("Checking slot %s", sl_token_refresher_get_slot (refresher));
  sl_keyring_load_async (sl_token_refresher_get_slot (refresher), cancellable, on_loaded, task);
}

SlCredentials *
sl_connection_check_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == &check_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
