/* sl-credentials.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sl-credentials.h"
#include "sl-json.h"

/* Version of the JSON document. Readers accept documents without it. */
#define SL_CREDENTIALS_FORMAT 1

/* Written out instead of G_DEFINE_BOXED_TYPE, whose GLib 2.74 expansion
 * fails -Wpedantic under -std=c11. */
GType
sl_credentials_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_boxed_type_register_static (
          g_intern_static_string ("SlCredentials"),
          (GBoxedCopyFunc) sl_credentials_copy,
          (GBoxedFreeFunc) sl_credentials_free);

      g_once_init_leave (&type_id, type);
    }

  return type_id;
}

G_DEFINE_QUARK (sl-credentials-error-quark, sl_credentials_error)

void
sl_secure_free (char *secret)
{
  if (secret == NULL)
    return;

  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

SlCredentials *
sl_credentials_new (void)
{
  return g_new0 (SlCredentials, 1);
}

SlCredentials *
sl_credentials_copy (const SlCredentials *self)
{
  SlCredentials *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = sl_credentials_new ();
  copy->access_token = g_strdup (self->access_token);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->login_host = g_strdup (self->login_host);
  copy->instance_url = g_strdup (self->instance_url);
  copy->id_url = g_strdup (self->id_url);
  copy->scope = g_strdup (self->scope);
  copy->issued_at_ms = self->issued_at_ms;
  copy->user_id = g_strdup (self->user_id);
  copy->org_id = g_strdup (self->org_id);
  copy->username = g_strdup (self->username);
  copy->email = g_strdup (self->email);
  copy->display_name = g_strdup (self->display_name);
  if (self->connected_at != NULL)
    copy->connected_at = g_date_time_ref (self->connected_at);

  return copy;
}

void
sl_credentials_free (SlCredentials *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->access_token, sl_secure_free);
  g_clear_pointer (&self->refresh_token, sl_secure_free);
  g_clear_pointer (&self->login_host, g_free);
  g_clear_pointer (&self->instance_url, g_free);
  g_clear_pointer (&self->id_url, g_free);
  g_clear_pointer (&self->scope, g_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->org_id, g_free);
  g_clear_pointer (&self->username, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->connected_at, g_date_time_unref);
  g_free (self);
}

/* Adds a string member, or null when the value is NULL. */
static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
format_connected_at (GDateTime *connected_at)
{
  g_autoptr(GDateTime) utc = NULL;

  if (connected_at == NULL)
    return NULL;

  utc = g_date_time_to_utc (connected_at);
  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static JsonNode *
build_document (const SlCredentials *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autofree char *connected_at = format_connected_at (self->connected_at);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, SL_CREDENTIALS_FORMAT);
  add_string (builder, "access_token", self->access_token);
  add_string (builder, "refresh_token", self->refresh_token);
  add_string (builder, "login_host", self->login_host);
  add_string (builder, "instance_url", self->instance_url);
  add_string (builder, "id_url", self->id_url);
  add_string (builder, "scope", self->scope);
  json_builder_set_member_name (builder, "issued_at_ms");
  json_builder_add_int_value (builder, self->issued_at_ms);
  add_string (builder, "user_id", self->user_id);
  add_string (builder, "org_id", self->org_id);
  add_string (builder, "username", self->username);
  add_string (builder, "email", self->email);
  add_string (builder, "display_name", self->display_name);
  add_string (builder, "connected_at", connected_at);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

char *
sl_credentials_to_json (const SlCredentials *self)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  root = build_document (self);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);

  /* NOTE: the node tree keeps its own copy of the tokens, and json-glib
   * frees it without overwriting it. */
  return json_generator_to_data (generator, NULL);
}

typedef enum
{
  FIELD_MISSING,
  FIELD_NOT_STRING,
  FIELD_NOT_UTF8,
  FIELD_EMPTY,
  FIELD_NOT_INTEGER,
  FIELD_NOT_DATE,
  FIELD_UNSUPPORTED,
} FieldProblem;

/* Each message is one translatable sentence, so translators never see a
 * sentence glued together from English pieces. */
static gboolean
set_invalid (GError       **error,
             const char    *name,
             FieldProblem   problem)
{
  GQuark domain = SL_CREDENTIALS_ERROR;
  int code = SL_CREDENTIALS_ERROR_INVALID;

  switch (problem)
    {
    case FIELD_MISSING:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is missing"), name);
      break;
    case FIELD_NOT_STRING:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is not a string"), name);
      break;
    case FIELD_NOT_UTF8:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is not valid UTF-8"), name);
      break;
    case FIELD_NOT_INTEGER:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is not an integer"), name);
      break;
    case FIELD_NOT_DATE:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is not an ISO 8601 date and "
                     "time"), name);
      break;
    case FIELD_UNSUPPORTED:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is not a supported version"),
                   name);
      break;
    case FIELD_EMPTY:
    default:
      g_set_error (error, domain, code,
                   _("Invalid stored credentials: field “%s” is empty"), name);
      break;
    }

  return FALSE;
}

/* Reads a string member into @out. A missing or null member leaves @out
 * NULL, or fails when @required is set. Another type always fails. */
static gboolean
read_string (JsonObject  *object,
             const char  *name,
             gboolean     required,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return set_invalid (error, name, FIELD_MISSING);
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return set_invalid (error, name, FIELD_NOT_STRING);

  if (!g_utf8_validate (json_node_get_string (node), -1, NULL))
    return set_invalid (error, name, FIELD_NOT_UTF8);

  *out = json_node_dup_string (node);
  if (required && **out == '\0')
    return set_invalid (error, name, FIELD_EMPTY);

  return TRUE;
}

static gboolean
read_integer (JsonObject  *object,
              const char  *name,
              gint64      *out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return set_invalid (error, name, FIELD_NOT_INTEGER);

  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
read_connected_at (JsonObject  *object,
                   GDateTime  **out,
                   GError     **error)
{
  g_autofree char *text = NULL;

  if (!read_string (object, "connected_at", FALSE, &text, error))
    return FALSE;

  if (text == NULL)
    return TRUE;

  *out = g_date_time_new_from_iso8601 (text, NULL);
  if (*out == NULL)
    return set_invalid (error, "connected_at", FIELD_NOT_DATE);

  return TRUE;
}

static gboolean
read_fields (JsonObject     *object,
             SlCredentials  *creds,
             GError        **error)
{
  gint64 format = SL_CREDENTIALS_FORMAT;

  if (!read_integer (object, "format", &format, error))
    return FALSE;
  if (format < 1)
    return set_invalid (error, "format", FIELD_UNSUPPORTED);

  return read_string (object, "access_token", TRUE, &creds->access_token, error) &&
         read_string (object, "refresh_token", FALSE, &creds->refresh_token, error) &&
         read_string (object, "login_host", FALSE, &creds->login_host, error) &&
         read_string (object, "instance_url", TRUE, &creds->instance_url, error) &&
         read_string (object, "id_url", FALSE, &creds->id_url, error) &&
         read_string (object, "scope", FALSE, &creds->scope, error) &&
         read_integer (object, "issued_at_ms", &creds->issued_at_ms, error) &&
         read_string (object, "user_id", TRUE, &creds->user_id, error) &&
         read_string (object, "org_id", FALSE, &creds->org_id, error) &&
         read_string (object, "username", FALSE, &creds->username, error) &&
         read_string (object, "email", FALSE, &creds->email, error) &&
         read_string (object, "display_name", FALSE, &creds->display_name, error) &&
         read_connected_at (object, &creds->connected_at, error);
}

SlCredentials *
sl_credentials_from_json (const char  *json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(SlCredentials) creds = NULL;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The parser's own error can quote the input, which contains tokens, so it
   * is dropped and replaced by a message without values. */
  if (!sl_json_nesting_is_safe (json, strlen (json))
      || !json_parser_load_from_data (parser, json, -1, NULL))
    {
      g_set_error_literal (error, SL_CREDENTIALS_ERROR, SL_CREDENTIALS_ERROR_INVALID,
                           _("Invalid stored credentials: not a JSON document"));
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SL_CREDENTIALS_ERROR, SL_CREDENTIALS_ERROR_INVALID,
                           _("Invalid stored credentials: not a JSON object"));
      return NULL;
    }

  creds = sl_credentials_new ();
  if (!read_fields (json_node_get_object (root), creds, error))
    return NULL;

  return g_steal_pointer (&creds);
}
