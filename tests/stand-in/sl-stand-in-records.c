/* sl-stand-in-records.c: the cases, comments, Case statuses, validation
 * rules and API limit of the fixture, and the changes REST makes to them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

/* Salesforce's default Case Status picklist, used when the fixture has no
 * "case_statuses". */
static const char * const default_case_statuses[] = {
  "New", "Working", "Escalated", "Closed",
};

#define DEFAULT_API_LIMIT 15000

static void
case_free (StandInCase *record)
{
  g_free (record->id);
  g_free (record->case_number);
  g_free (record->subject);
  g_free (record->status);
  g_free (record->owner_id);
  g_free (record);
}

static void
comment_free (StandInComment *comment)
{
  g_free (comment->id);
  g_free (comment->parent_id);
  g_free (comment->comment_body);
  g_free (comment->created_by_id);
  g_free (comment->created_date);
  g_free (comment);
}

static void
validation_rule_free (StandInValidationRule *rule)
{
  g_free (rule->object);
  g_free (rule->field);
  g_free (rule->value);
  g_free (rule->message);
  g_free (rule);
}

void
stand_in_fixture_free_records (StandInFixture *fixture)
{
  g_clear_pointer (&fixture->case_statuses, g_ptr_array_unref);
  g_clear_pointer (&fixture->validation_rules, g_ptr_array_unref);
  g_clear_pointer (&fixture->cases, g_ptr_array_unref);
  g_clear_pointer (&fixture->comments, g_ptr_array_unref);
}

/* Returns the optional array @member of @root, or NULL with @error unset
 * when it is absent. */
static JsonArray *
get_optional_array (JsonObject  *root,
                    const char  *member,
                    GError     **error)
{
  JsonNode *node = json_object_get_member (root, member);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                 "\"%s\" must be an array", member);

  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
parse_case_statuses (StandInFixture  *fixture,
                     JsonObject      *root,
                     GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *array = get_optional_array (root, "case_statuses", &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (guint i = 0; array == NULL && i < G_N_ELEMENTS (default_case_statuses); i++)
    g_ptr_array_add (fixture->case_statuses, g_strdup (default_case_statuses[i]));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
          || *json_node_get_string (node) == '\0')
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                       "case_statuses[%u]: must be a non-empty string", i);
          return FALSE;
        }
      g_ptr_array_add (fixture->case_statuses, json_node_dup_string (node));
    }

  if (fixture->case_statuses->len == 0)
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "\"case_statuses\" must not be empty");
      return FALSE;
    }

  return TRUE;
}

static StandInValidationRule *
parse_validation_rule (JsonObject  *object,
                       const char  *where,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GError **e = &local_error;
  StandInValidationRule *rule = g_new0 (StandInValidationRule, 1);

  if ((rule->object = stand_in_fixture_dup_string (object, "object", where, e)) == NULL
      || (rule->field = stand_in_fixture_dup_string (object, "field", where, e)) == NULL
      || (rule->value = stand_in_fixture_dup_string (object, "value", where, e)) == NULL
      || (rule->message = stand_in_fixture_dup_string (object, "message", where, e)) == NULL)
    {
      validation_rule_free (rule);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return rule;
}

static gboolean
parse_validation_rules (StandInFixture  *fixture,
                        JsonObject      *root,
                        GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *array = get_optional_array (root, "validation_rules", &local_error);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("validation_rules[%u]", i);
      JsonObject *object = stand_in_fixture_get_object (array, i, where, &local_error);
      StandInValidationRule *rule;

      if (object == NULL
          || (rule = parse_validation_rule (object, where, &local_error)) == NULL)
        break;
      g_ptr_array_add (fixture->validation_rules, rule);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* Checks what a case refers to: its owner must be a fixture user and its
 * status one of the Case statuses. */
static gboolean
check_case (const StandInFixture  *fixture,
            const StandInCase     *record,
            const char            *where,
            GError               **error)
{
  if (stand_in_fixture_find_user_by_id (fixture, record->owner_id) == NULL)
    g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                 "%s: owner_id \"%s\" is not a user of the fixture", where, record->owner_id);
  else if (!stand_in_fixture_has_status (fixture, record->status))
    g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                 "%s: status \"%s\" is not in case_statuses", where, record->status);
  else
    return TRUE;

  return FALSE;
}

static StandInCase *
parse_case (const StandInFixture  *fixture,
            JsonObject            *object,
            const char            *where,
            GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  GError **e = &local_error;
  StandInCase *record = g_new0 (StandInCase, 1);

  if ((record->id = stand_in_fixture_dup_string (object, "id", where, e)) == NULL
      || !stand_in_fixture_check_id (record->id, "500", where, e)
      || (record->case_number = stand_in_fixture_dup_string (object, "case_number", where,
                                                             e)) == NULL
      || (record->subject = stand_in_fixture_dup_string (object, "subject", where, e)) == NULL
      || (record->status = stand_in_fixture_dup_string (object, "status", where, e)) == NULL
      || (record->owner_id = stand_in_fixture_dup_string (object, "owner_id", where, e)) == NULL
      || !check_case (fixture, record, where, e))
    {
      case_free (record);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return record;
}

static gboolean
case_is_unique (const StandInFixture  *fixture,
                const StandInCase     *record,
                const char            *where,
                GError               **error)
{
  for (guint i = 0; i < fixture->cases->len; i++)
    {
      const StandInCase *other = g_ptr_array_index (fixture->cases, i);

      if (g_str_equal (other->id, record->id)
          || g_str_equal (other->case_number, record->case_number))
        {
          g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                       "%s: id or case_number appears twice", where);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
parse_cases (StandInFixture  *fixture,
             JsonObject      *root,
             GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonArray *array = get_optional_array (root, "cases", &local_error);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *where = g_strdup_printf ("cases[%u]", i);
      JsonObject *object = stand_in_fixture_get_object (array, i, where, &local_error);
      StandInCase *record;

      if (object == NULL
          || (record = parse_case (fixture, object, where, &local_error)) == NULL)
        break;
      if (!case_is_unique (fixture, record, where, &local_error))
        {
          case_free (record);
          break;
        }
      g_ptr_array_add (fixture->cases, record);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_api_limit (StandInFixture  *fixture,
                 JsonObject      *root,
                 GError         **error)
{
  JsonNode *node = json_object_get_member (root, "api_limit");

  fixture->api_limit = DEFAULT_API_LIMIT;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 1 || json_node_get_int (node) > G_MAXINT)
    {
      g_set_error (error, STAND_IN_ERROR, STAND_IN_ERROR_FIXTURE,
                   "\"api_limit\" must be a positive integer");
      return FALSE;
    }

  fixture->api_limit = json_node_get_int (node);
  return TRUE;
}

/* Loads "case_statuses", "validation_rules", "cases" and "api_limit", all
 * optional.  Needs the users loaded first, since cases name their owner. */
gboolean
stand_in_fixture_load_records (StandInFixture  *fixture,
                               JsonObject      *root,
                               GError         **error)
{
  fixture->case_statuses = g_ptr_array_new_with_free_func (g_free);
  fixture->validation_rules =
    g_ptr_array_new_with_free_func ((GDestroyNotify) validation_rule_free);
  fixture->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) case_free);
  fixture->comments = g_ptr_array_new_with_free_func ((GDestroyNotify) comment_free);

  return parse_case_statuses (fixture, root, error)
         && parse_validation_rules (fixture, root, error)
         && parse_cases (fixture, root, error)
         && parse_api_limit (fixture, root, error);
}

StandInCase *
stand_in_fixture_find_case (const StandInFixture *fixture,
                            const char           *case_id)
{
  for (guint i = 0; case_id != NULL && i < fixture->cases->len; i++)
    {
      StandInCase *record = g_ptr_array_index (fixture->cases, i);

      if (g_str_equal (record->id, case_id))
        return record;
    }

  return NULL;
}

gboolean
stand_in_fixture_has_status (const StandInFixture *fixture,
                             const char           *status)
{
  for (guint i = 0; status != NULL && i < fixture->case_statuses->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (fixture->case_statuses, i), status))
        return TRUE;
    }

  return FALSE;
}

/* Returns the first validation rule that rejects setting @field of @object
 * to @value, or NULL. */
const StandInValidationRule *
stand_in_fixture_find_violated_rule (const StandInFixture *fixture,
                                     const char           *object,
                                     const char           *field,
                                     const char           *value)
{
  for (guint i = 0; value != NULL && i < fixture->validation_rules->len; i++)
    {
      const StandInValidationRule *rule = g_ptr_array_index (fixture->validation_rules, i);

      if (g_str_equal (rule->object, object) && g_str_equal (rule->field, field)
          && g_str_equal (rule->value, value))
        return rule;
    }

  return NULL;
}

/* Returns the current time as Salesforce writes datetimes in REST:
 * milliseconds and a numeric UTC offset, 2026-12-04T10:00:00.000+0000. */
static char *
format_created_date (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03d+0000", seconds, g_date_time_get_microsecond (now) / 1000);
}

/* Creates a CaseComment and returns it; the fixture owns it.  IDs are
 * sequential, so ordering by ID is ordering by creation. */
StandInComment *
stand_in_add_comment (StandIn    *self,
                      const char *parent_id,
                      const char *comment_body,
                      gboolean    is_published,
                      const char *created_by_id)
{
  StandInComment *comment = g_new0 (StandInComment, 1);

  comment->id = g_strdup_printf ("00a5g00000%05uAAA", ++self->next_record_id);
  comment->parent_id = g_strdup (parent_id);
  comment->comment_body = g_strdup (comment_body);
  comment->is_published = is_published;
  comment->created_by_id = g_strdup (created_by_id);
  comment->created_date = format_created_date ();

  g_ptr_array_add (self->fixture->comments, comment);
  return comment;
}
