/* sl-status-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sl-connection.h"
#include "sl-keyring.h"
#include "sl-status-report.h"

static const char * const slots[] = { SL_SLOT_INTEGRATION, SL_SLOT_USER };

/* What the report shows for one slot. Only identity fields are copied out
 * of the keyring item, so no token reaches the report. */
typedef struct
{
  SlConnectionState state;
  char             *error;
  char             *email;
  char             *username;
  char             *user_id;
  char             *org_id;
  char             *instance_url;
  char             *connected_at;
} SlotStatus;

static void
slot_status_clear (SlotStatus *status)
{
  g_clear_pointer (&status->error, g_free);
  g_clear_pointer (&status->email, g_free);
  g_clear_pointer (&status->username, g_free);
  g_clear_pointer (&status->user_id, g_free);
  g_clear_pointer (&status->org_id, g_free);
  g_clear_pointer (&status->instance_url, g_free);
  g_clear_pointer (&status->connected_at, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SlotStatus, slot_status_clear)

static void
read_slot_status (const char *slot,
                  SlotStatus *status)
{
  g_autoptr(SlCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = sl_keyring_load_sync (slot, NULL, &error);
  if (error != NULL)
    {
      status->state = SL_CONNECTION_STATE_ERROR;
      status->error = g_strdup (error->message);
      return;
    }

  if (credentials == NULL)
    {
      status->state = SL_CONNECTION_STATE_DISCONNECTED;
      return;
    }

  status->state = SL_CONNECTION_STATE_CONNECTED;
  status->email = g_strdup (credentials->email);
  status->username = g_strdup (credentials->username);
  status->user_id = g_strdup (credentials->user_id);
  status->org_id = g_strdup (credentials->org_id);
  status->instance_url = g_strdup (credentials->instance_url);
  if (credentials->connected_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (credentials->connected_at);

      status->connected_at = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
    }
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_slot_json (JsonBuilder      *builder,
               const char       *slot,
               const SlotStatus *status)
{
  json_builder_set_member_name (builder, slot);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sl_connection_state_to_string (status->state));

  if (status->state == SL_CONNECTION_STATE_ERROR)
    add_nullable_string (builder, "error", status->error);

  if (status->state == SL_CONNECTION_STATE_CONNECTED)
    {
      add_nullable_string (builder, "email", status->email);
      add_nullable_string (builder, "username", status->username);
      add_nullable_string (builder, "user_id", status->user_id);
      add_nullable_string (builder, "org_id", status->org_id);
      add_nullable_string (builder, "instance_url", status->instance_url);
      add_nullable_string (builder, "connected_at", status->connected_at);
    }

  json_builder_end_object (builder);
}

static void
append_slot_text (GString          *text,
                  const char       *slot,
                  const SlotStatus *status)
{
  switch (status->state)
    {
    case SL_CONNECTION_STATE_CONNECTED:
      /* Translators: the first %s is a slot name, then an email address,
       * a Salesforce username and a URL. */
      g_string_append_printf (text, _("%s: connected as %s (%s) at %s\n"), slot,
                              status->email != NULL ? status->email : "",
                              status->username != NULL ? status->username : "",
                              status->instance_url);
      break;
    case SL_CONNECTION_STATE_ERROR:
      /* Translators: %s is a slot name, then an error message. */
      g_string_append_printf (text, _("%s: error: %s\n"), slot, status->error);
      break;
    default:
      g_string_append_printf (text, "%s: %s\n", slot,
                              sl_connection_state_to_string (status->state));
    }
}

static char *
generate_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *json = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  return g_strconcat (json, "\n", NULL);
}

char *
sl_status_report_build (gboolean as_json)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GString) text = g_string_new (NULL);

  json_builder_begin_object (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      g_auto(SlotStatus) status = { 0 };

      read_slot_status (slots[i], &status);
      if (as_json)
        add_slot_json (builder, slots[i], &status);
      else
        append_slot_text (text, slots[i], &status);
    }
  json_builder_end_object (builder);

  if (as_json)
    return generate_json (builder);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
sl_status_report_print (gboolean as_json)
{
  g_autofree char *report = sl_status_report_build (as_json);

  g_print ("%s", report);
  if (!g_str_has_suffix (report, "\n"))
    g_print ("\n");
}
