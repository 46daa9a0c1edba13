/* sl-stand-in-faults.c: failures injected into chosen endpoints
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

#include <stdlib.h>

static const char * const known_endpoints[] = {
  "authorize", "login", "consent", "token", "userinfo", "revoke", "id",
  "query", "comment-create", "case-update", "describe", "limits",
};

gboolean
stand_in_endpoint_is_known (const char *endpoint)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_endpoints); i++)
    {
      if (g_strcmp0 (known_endpoints[i], endpoint) == 0)
        return TRUE;
    }

  return FALSE;
}

void
stand_in_fault_free (StandInFault *fault)
{
  if (fault == NULL)
    return;

  g_free (fault->endpoint);
  g_free (fault->body);
  g_free (fault->content_type);
  g_free (fault);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StandInFault, stand_in_fault_free)

static StandInFault *
fault_new (const char  *endpoint,
           GError     **error)
{
  StandInFault *fault;

  if (!stand_in_endpoint_is_known (endpoint))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                   "unknown endpoint \"%s\" (expected authorize, login, consent, token, "
                   "userinfo, revoke, id, query, comment-create, case-update, describe or "
                   "limits)", endpoint != NULL ? endpoint : "");
      return NULL;
    }

  fault = g_new0 (StandInFault, 1);
  fault->endpoint = g_strdup (endpoint);
  fault->times = -1;

  return fault;
}

static gboolean
parse_number (const char  *key,
              const char  *text,
              guint64      min,
              guint64      max,
              guint64     *value,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, value, &local_error))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                   "invalid %s \"%s\": %s", key, text, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

/* Stores one key=value pair of a --fault specification in @fault. */
static gboolean
fault_set (StandInFault  *fault,
           const char    *key,
           const char    *value,
           GError       **error)
{
  guint64 number = 0;

  if (g_str_equal (key, "body"))
    replace_string (&fault->body, value);
  else if (g_str_equal (key, "content-type"))
    replace_string (&fault->content_type, value);
  else if (g_str_equal (key, "status"))
    {
      if (!parse_number (key, value, 100, 599, &number, error))
        return FALSE;
      fault->status = number;
    }
  else if (g_str_equal (key, "delay-ms"))
    {
      if (!parse_number (key, value, 0, 600000, &number, error))
        return FALSE;
      fault->delay_ms = number;
    }
  else if (g_str_equal (key, "drop"))
    {
      if (!parse_number (key, value, 0, 1, &number, error))
        return FALSE;
      fault->drop = number == 1;
    }
  else if (g_str_equal (key, "process"))
    {
      if (!parse_number (key, value, 0, 1, &number, error))
        return FALSE;
      fault->process = number == 1;
    }
  else if (g_str_equal (key, "times"))
    {
      if (!parse_number (key, value, 1, G_MAXINT, &number, error))
        return FALSE;
      fault->times = number;
    }
  else
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                   "unknown key \"%s\" (expected status, body, content-type, delay-ms, "
                   "drop, process or times)", key);
      return FALSE;
    }

  return TRUE;
}

static gboolean
fault_set_pairs (StandInFault  *fault,
                 const char    *pairs_text,
                 GError       **error)
{
  g_auto(GStrv) pairs = g_strsplit (pairs_text, ",", -1);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_auto(GStrv) key_value = g_strsplit (pairs[i], "=", 2);

      if (key_value[0] == NULL || key_value[1] == NULL)
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                       "\"%s\" is not a key=value pair", pairs[i]);
          return FALSE;
        }

      if (!fault_set (fault, key_value[0], key_value[1], error))
        return FALSE;
    }

  return TRUE;
}

/* Parses ENDPOINT:key=value[,key=value...].  Values cannot contain commas;
 * a body with commas can be set through POST /__control/faults. */
StandInFault *
stand_in_fault_parse_spec (const char  *spec,
                           GError     **error)
{
  g_autoptr(StandInFault) fault = NULL;
  g_autofree char *endpoint = NULL;
  const char *colon = strchr (spec, ':');

  if (colon == NULL || colon[1] == '\0')
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                   "--fault %s: expected ENDPOINT:key=value[,key=value...]", spec);
      return NULL;
    }

  endpoint = g_strndup (spec, colon - spec);
  fault = fault_new (endpoint, error);
  if (fault == NULL || !fault_set_pairs (fault, colon + 1, error))
    {
      g_prefix_error (error, "--fault %s: ", spec);
      return NULL;
    }

  return g_steal_pointer (&fault);
}

/* Reads the optional integer @member of @object into @value. */
static gboolean
read_json_int (JsonObject  *object,
               const char  *member,
               gint64       min,
               gint64       max,
               gint64      *value,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT,
                   "\"%s\" must be an integer from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                   member, min, max);
      return FALSE;
    }

  *value = json_node_get_int (node);
  return TRUE;
}

/* Parses the body of POST /__control/faults, for example
 * {"endpoint": "token", "status": 503, "body": "...", "content_type":
 * "text/html", "delay_ms": 0, "drop": false, "process": false, "times": 1}. */
StandInFault *
stand_in_fault_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(StandInFault) fault = NULL;
  JsonObject *object;
  gint64 status = 0, delay_ms = 0, times = -1;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FAULT, "a fault must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);
  fault = fault_new (json_object_get_string_member_with_default (object, "endpoint", NULL),
                     error);
  if (fault == NULL
      || !read_json_int (object, "status", 100, 599, &status, error)
      || !read_json_int (object, "delay_ms", 0, 600000, &delay_ms, error)
      || !read_json_int (object, "times", 1, G_MAXINT, &times, error))
    return NULL;

  fault->status = status;
  fault->delay_ms = delay_ms;
  fault->times = times;
  fault->drop = json_object_get_boolean_member_with_default (object, "drop", FALSE);
  fault->process = json_object_get_boolean_member_with_default (object, "process", FALSE);
  fault->body = g_strdup (json_object_get_string_member_with_default (object, "body", NULL));
  fault->content_type =
    g_strdup (json_object_get_string_member_with_default (object, "content_type", NULL));

  return g_steal_pointer (&fault);
}

/* Returns a copy of the first fault that applies to the next request to
 * @endpoint, counting that request against the fault's "times", or NULL. */
StandInFault *
stand_in_take_fault (StandIn    *self,
                     const char *endpoint)
{
  for (guint i = 0; i < self->faults->len; i++)
    {
      StandInFault *fault = g_ptr_array_index (self->faults, i);
      StandInFault *copy;

      if (!g_str_equal (fault->endpoint, endpoint))
        continue;

      copy = g_memdup2 (fault, sizeof *fault);
      copy->endpoint = g_strdup (fault->endpoint);
      copy->body = g_strdup (fault->body);
      copy->content_type = g_strdup (fault->content_type);

      if (fault->times > 0 && --fault->times == 0)
        g_ptr_array_remove_index (self->faults, i);

      return copy;
    }

  return NULL;
}
