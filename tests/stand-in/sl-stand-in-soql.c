/* sl-stand-in-soql.c: a small subset of SOQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SELECT field[, field...] FROM object
 *   [WHERE field = literal [AND field = literal]...]
 *   [ORDER BY field [ASC | DESC]] [LIMIT n]
 *
 * Keywords and names are case-insensitive.  A literal is a string in single
 * quotes (with the escapes \' \" \\ \n \r \t), TRUE, FALSE or NULL.  A field
 * is a field of the object or a relationship field such as Owner.Name.
 */

#include "sl-stand-in.h"

typedef enum
{
  TOKEN_END,
  TOKEN_WORD,     /* keyword, object or field name, TRUE, FALSE, NULL */
  TOKEN_NUMBER,
  TOKEN_STRING,
  TOKEN_SYMBOL,   /* , = and anything else */
} TokenType;

typedef struct
{
  const char *text;      /* the whole query */
  const char *position;  /* the next character to read */
  TokenType   type;
  char       *token;     /* the current token, decoded for strings */
} Lexer;

static void
condition_free (StandInCondition *condition)
{
  g_free (condition->field);
  g_clear_pointer (&condition->value, json_node_unref);
  g_free (condition);
}

void
stand_in_query_free (StandInQuery *query)
{
  if (query == NULL)
    return;

  g_clear_pointer (&query->fields, g_ptr_array_unref);
  g_clear_pointer (&query->conditions, g_ptr_array_unref);
  g_free (query->order_by);
  g_free (query);
}

static StandInRestError *
malformed (const char *format,
           ...) G_GNUC_PRINTF (1, 2);

static StandInRestError *
malformed (const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  return stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST, "MALFORMED_QUERY",
                                            message);
}

/* Reads a string literal after its opening quote into @lexer->token. */
static StandInRestError *
read_string (Lexer *lexer)
{
  GString *value = g_string_new (NULL);
  const char *c = lexer->position;

  for (; *c != '\0' && *c != '\''; c++)
    {
      if (*c != '\\')
        {
          g_string_append_c (value, *c);
          continue;
        }

      c++;
      if (*c == '\'' || *c == '"' || *c == '\\')
        g_string_append_c (value, *c);
      else if (*c == 'n')
        g_string_append_c (value, '\n');
      else if (*c == 'r')
        g_string_append_c (value, '\r');
      else if (*c == 't')
        g_string_append_c (value, '\t');
      else
        {
          g_string_free (value, TRUE);
          return malformed ("Invalid string literal: unknown escape sequence");
        }
    }

  if (*c == '\0')
    {
      g_string_free (value, TRUE);
      return malformed ("Invalid string literal: missing closing quote");
    }

  lexer->type = TOKEN_STRING;
  lexer->token = g_string_free (value, FALSE);
  lexer->position = c + 1;
  return NULL;
}

/* Moves to the next token.  Only string literals can fail. */
static StandInRestError *
next_token (Lexer *lexer)
{
  const char *start;

  g_clear_pointer (&lexer->token, g_free);
  while (g_ascii_isspace (*lexer->position))
    lexer->position++;

  start = lexer->position;
  if (*start == '\0')
    lexer->type = TOKEN_END;
  else if (*start == '\'')
    {
      lexer->position++;
      return read_string (lexer);
    }
  else if (g_ascii_isalpha (*start) || *start == '_')
    {
      while (g_ascii_isalnum (*lexer->position) || *lexer->position == '_'
             || *lexer->position == '.')
        lexer->position++;
      lexer->type = TOKEN_WORD;
    }
  else if (g_ascii_isdigit (*start))
    {
      while (g_ascii_isdigit (*lexer->position))
        lexer->position++;
      lexer->type = TOKEN_NUMBER;
    }
  else
    {
      lexer->position++;
      lexer->type = TOKEN_SYMBOL;
    }

  if (lexer->token == NULL)
    lexer->token = g_strndup (start, lexer->position - start);
  return NULL;
}

static gboolean
token_is (const Lexer *lexer,
          const char  *keyword)
{
  return lexer->type == TOKEN_WORD && g_ascii_strcasecmp (lexer->token, keyword) == 0;
}

static StandInRestError *
unexpected (const Lexer *lexer)
{
  if (lexer->type == TOKEN_END)
    return malformed ("unexpected end of query");

  return malformed ("unexpected token: '%s'", lexer->token);
}

/* Consumes @keyword or fails. */
static StandInRestError *
expect (Lexer      *lexer,
        const char *keyword)
{
  if (!token_is (lexer, keyword))
    return unexpected (lexer);

  return next_token (lexer);
}

static StandInRestError *
invalid_field (const char *message)
{
  return stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST, "INVALID_FIELD", message);
}

/* Returns the reference field of @object whose relationship is @name. */
static const StandInField *
find_relationship (const StandInObject *object,
                   const char          *name)
{
  for (guint i = 0; i < object->n_fields; i++)
    {
      const char *relationship = object->fields[i].relationship;

      if (relationship != NULL && g_ascii_strcasecmp (relationship, name) == 0)
        return &object->fields[i];
    }

  return NULL;
}

/* Resolves @name ("status", "owner.name") to its canonical spelling
 * ("Status", "Owner.Name") and sets @field to the field it ends in. */
static StandInRestError *
resolve_field (const StandInObject  *object,
               const char           *name,
               char                **canonical,
               const StandInField  **field)
{
  g_auto(GStrv) parts = g_strsplit (name, ".", -1);
  const StandInField *reference;

  if (g_strv_length (parts) == 1 && (*field = stand_in_object_find_field (object, name)))
    {
      *canonical = g_strdup ((*field)->name);
      return NULL;
    }

  if (g_strv_length (parts) != 2 || (reference = find_relationship (object, parts[0])) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No such column '%s' on entity '%s'.",
                                                  name, object->name);

      return invalid_field (message);
    }

  *field = stand_in_object_find_field (stand_in_find_object (reference->reference_to), parts[1]);
  if (*field == NULL)
    {
      g_autofree char *message = g_strdup_printf ("No such column '%s' on entity '%s'.",
                                                  parts[1], reference->reference_to);

      return invalid_field (message);
    }

  *canonical = g_strconcat (reference->relationship, ".", (*field)->name, NULL);
  return NULL;
}

static StandInRestError *
parse_select_list (Lexer     *lexer,
                   GPtrArray *names)
{
  StandInRestError *error;

  do
    {
      if ((error = next_token (lexer)) != NULL)
        return error;
      if (lexer->type != TOKEN_WORD || token_is (lexer, "FROM"))
        return unexpected (lexer);

      g_ptr_array_add (names, g_strdup (lexer->token));
      if ((error = next_token (lexer)) != NULL)
        return error;
    }
  while (lexer->type == TOKEN_SYMBOL && g_str_equal (lexer->token, ","));

  return NULL;
}

/* Resolves the selected names once the object is known. */
static StandInRestError *
resolve_select_list (StandInQuery *query,
                     GPtrArray    *names)
{
  for (guint i = 0; i < names->len; i++)
    {
      const StandInField *field;
      char *canonical = NULL;
      StandInRestError *error = resolve_field (query->object, g_ptr_array_index (names, i),
                                               &canonical, &field);

      if (error != NULL)
        return error;

      if (g_ptr_array_find_with_equal_func (query->fields, canonical, g_str_equal, NULL))
        {
          g_autofree char *duplicate = canonical;

          return malformed ("duplicate field selected: %s", duplicate);
        }
      g_ptr_array_add (query->fields, canonical);
    }

  return NULL;
}

static StandInRestError *
parse_from (Lexer        *lexer,
            StandInQuery *query)
{
  StandInRestError *error = expect (lexer, "FROM");

  if (error != NULL)
    return error;
  if (lexer->type != TOKEN_WORD)
    return unexpected (lexer);

  query->object = stand_in_find_object (lexer->token);
  if (query->object == NULL)
    {
      g_autofree char *message = g_strdup_printf ("sObject type '%s' is not supported.",
                                                  lexer->token);

      return stand_in_rest_error_new_no_fields (SOUP_STATUS_BAD_REQUEST, "INVALID_TYPE",
                                                message);
    }

  return next_token (lexer);
}

/* Returns the literal of the current token as JSON, or NULL when it is
 * not a literal. */
static JsonNode *
literal_to_json (const Lexer *lexer)
{
  if (lexer->type == TOKEN_STRING)
    return json_node_init_string (json_node_alloc (), lexer->token);
  if (token_is (lexer, "TRUE") || token_is (lexer, "FALSE"))
    return json_node_init_boolean (json_node_alloc (), token_is (lexer, "TRUE"));
  if (token_is (lexer, "NULL"))
    return json_node_init_null (json_node_alloc ());

  return NULL;
}

/* Checks that a boolean field is compared with TRUE or FALSE and any other
 * field with a string, as Salesforce does. */
static StandInRestError *
check_literal_type (const StandInField *field,
                    JsonNode           *value)
{
  gboolean is_boolean = field->type == STAND_IN_FIELD_BOOLEAN;
  g_autofree char *message = NULL;

  if (JSON_NODE_HOLDS_NULL (value)
      || (json_node_get_value_type (value) == G_TYPE_BOOLEAN) == is_boolean)
    return NULL;

  message = g_strdup_printf ("value of filter criterion for field '%s' must be of type %s",
                             field->name, is_boolean ? "boolean and should not be enclosed "
                             "in quotes" : "string and should be enclosed in quotes");
  return invalid_field (message);
}

static StandInRestError *
parse_condition (Lexer        *lexer,
                 StandInQuery *query)
{
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *canonical = NULL;
  const StandInField *field;
  StandInCondition *condition;
  StandInRestError *error;

  if (lexer->type != TOKEN_WORD)
    return unexpected (lexer);
  if ((error = resolve_field (query->object, lexer->token, &canonical, &field)) != NULL
      || (error = next_token (lexer)) != NULL)
    return error;

  if (lexer->type != TOKEN_SYMBOL || !g_str_equal (lexer->token, "="))
    return unexpected (lexer);
  if ((error = next_token (lexer)) != NULL)
    return error;

  if ((value = literal_to_json (lexer)) == NULL)
    return unexpected (lexer);
  if ((error = check_literal_type (field, value)) != NULL)
    return error;

  condition = g_new0 (StandInCondition, 1);
  condition->field = g_steal_pointer (&canonical);
  condition->value = g_steal_pointer (&value);
  g_ptr_array_add (query->conditions, condition);

  return next_token (lexer);
}

static StandInRestError *
parse_where (Lexer        *lexer,
             StandInQuery *query)
{
  StandInRestError *error;

  if (!token_is (lexer, "WHERE"))
    return NULL;

  do
    {
      if ((error = next_token (lexer)) != NULL
          || (error = parse_condition (lexer, query)) != NULL)
        return error;
    }
  while (token_is (lexer, "AND"));

  return NULL;
}

static StandInRestError *
parse_order_by (Lexer        *lexer,
                StandInQuery *query)
{
  const StandInField *field;
  StandInRestError *error;

  if (!token_is (lexer, "ORDER"))
    return NULL;

  if ((error = next_token (lexer)) != NULL || (error = expect (lexer, "BY")) != NULL)
    return error;
  if (lexer->type != TOKEN_WORD)
    return unexpected (lexer);
  if ((error = resolve_field (query->object, lexer->token, &query->order_by, &field)) != NULL
      || (error = next_token (lexer)) != NULL)
    return error;

  if (!token_is (lexer, "ASC") && !token_is (lexer, "DESC"))
    return NULL;

  query->descending = token_is (lexer, "DESC");
  return next_token (lexer);
}

static StandInRestError *
parse_limit (Lexer        *lexer,
             StandInQuery *query)
{
  guint64 limit = 0;
  StandInRestError *error;

  if (!token_is (lexer, "LIMIT"))
    return NULL;

  if ((error = next_token (lexer)) != NULL)
    return error;
  if (lexer->type != TOKEN_NUMBER
      || !g_ascii_string_to_unsigned (lexer->token, 10, 0, G_MAXINT, &limit, NULL))
    return unexpected (lexer);

  query->limit = limit;
  return next_token (lexer);
}

static StandInRestError *
parse_clauses (Lexer        *lexer,
               StandInQuery *query)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  StandInRestError *error;

  if ((error = next_token (lexer)) != NULL
      || (error = (token_is (lexer, "SELECT") ? NULL : unexpected (lexer))) != NULL
      || (error = parse_select_list (lexer, names)) != NULL
      || (error = parse_from (lexer, query)) != NULL
      || (error = resolve_select_list (query, names)) != NULL
      || (error = parse_where (lexer, query)) != NULL
      || (error = parse_order_by (lexer, query)) != NULL
      || (error = parse_limit (lexer, query)) != NULL)
    return error;

  return lexer->type == TOKEN_END ? NULL : unexpected (lexer);
}

/* Parses @soql.  Returns NULL and sets @error to the REST error Salesforce
 * sends (MALFORMED_QUERY, INVALID_FIELD or INVALID_TYPE) when the query is
 * not in the subset. */
StandInQuery *
stand_in_query_parse (const char        *soql,
                      StandInRestError **error)
{
  g_autoptr(StandInQuery) query = g_new0 (StandInQuery, 1);
  Lexer lexer = { .text = soql, .position = soql };

  query->fields = g_ptr_array_new_with_free_func (g_free);
  query->conditions = g_ptr_array_new_with_free_func ((GDestroyNotify) condition_free);
  query->limit = -1;

  *error = parse_clauses (&lexer, query);
  g_free (lexer.token);

  return *error == NULL ? g_steal_pointer (&query) : NULL;
}

/* Returns the value of @path ("Status" or "Owner.Name") in @record, an
 * @object record from stand_in_list_records(), or JSON null when it has
 * none. */
JsonNode *
stand_in_query_get_value (StandIn             *self,
                          const StandInObject *object,
                          JsonObject          *record,
                          const char          *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", 2);
  g_autoptr(JsonObject) target = NULL;
  const StandInField *reference;
  JsonNode *node;

  if (parts[1] == NULL)
    {
      node = json_object_get_member (record, path);
      return node != NULL ? json_node_copy (node) : json_node_init_null (json_node_alloc ());
    }

  reference = find_relationship (object, parts[0]);
  target = stand_in_find_record (self, stand_in_find_object (reference->reference_to),
                                 json_object_get_string_member (record, reference->name));
  node = target != NULL ? json_object_get_member (target, parts[1]) : NULL;

  return node != NULL ? json_node_copy (node) : json_node_init_null (json_node_alloc ());
}

/* Compares two values of the same field: null first, then booleans or
 * strings.  @ignore_case is for text fields, which SOQL compares without
 * regard to case. */
static int
compare_values (JsonNode *a,
                JsonNode *b,
                gboolean  ignore_case)
{
  if (JSON_NODE_HOLDS_NULL (a) || JSON_NODE_HOLDS_NULL (b))
    return (int) !JSON_NODE_HOLDS_NULL (a) - (int) !JSON_NODE_HOLDS_NULL (b);

  if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
    return (int) json_node_get_boolean (a) - (int) json_node_get_boolean (b);

  if (ignore_case)
    return g_ascii_strcasecmp (json_node_get_string (a), json_node_get_string (b));

  return strcmp (json_node_get_string (a), json_node_get_string (b));
}

static gboolean
is_text_field (const StandInObject *object,
               const char          *path)
{
  const StandInField *field = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(StandInRestError) error = resolve_field (object, path, &canonical, &field);

  return field != NULL && (field->type == STAND_IN_FIELD_STRING
                           || field->type == STAND_IN_FIELD_TEXTAREA
                           || field->type == STAND_IN_FIELD_PICKLIST);
}

static gboolean
matches_conditions (StandIn            *self,
                    const StandInQuery *query,
                    JsonObject         *record)
{
  for (guint i = 0; i < query->conditions->len; i++)
    {
      StandInCondition *condition = g_ptr_array_index (query->conditions, i);
      g_autoptr(JsonNode) value = stand_in_query_get_value (self, query->object, record,
                                                            condition->field);
      gboolean ignore_case = is_text_field (query->object, condition->field);

      if (JSON_NODE_HOLDS_NULL (value) != JSON_NODE_HOLDS_NULL (condition->value)
          || compare_values (value, condition->value, ignore_case) != 0)
        return FALSE;
    }

  return TRUE;
}

typedef struct
{
  StandIn            *self;
  const StandInQuery *query;
} SortContext;

/* Orders by the ORDER BY field, then by ID, so records with equal values
 * come out in a stable order.  Comment IDs follow creation order. */
static int
compare_records (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  SortContext *context = user_data;
  JsonObject *record_a = *(JsonObject **) a;
  JsonObject *record_b = *(JsonObject **) b;
  g_autoptr(JsonNode) value_a =
    stand_in_query_get_value (context->self, context->query->object, record_a,
                              context->query->order_by);
  g_autoptr(JsonNode) value_b =
    stand_in_query_get_value (context->self, context->query->object, record_b,
                              context->query->order_by);
  int result = compare_values (value_a, value_b, FALSE);

  if (result == 0)
    result = strcmp (json_object_get_string_member (record_a, "Id"),
                     json_object_get_string_member (record_b, "Id"));

  return context->query->descending ? -result : result;
}

/* Returns the records that @query selects, with all their fields, sorted
 * and limited as the query requests. */
GPtrArray *
stand_in_query_run (StandIn            *self,
                    const StandInQuery *query)
{
  g_autoptr(GPtrArray) records = stand_in_list_records (self, query->object);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  SortContext context = { self, query };

  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);

      if (matches_conditions (self, query, record))
        g_ptr_array_add (result, json_object_ref (record));
    }

  if (query->order_by != NULL)
    g_ptr_array_sort_with_data (result, compare_records, &context);

  if (query->limit >= 0 && (gint64) result->len > query->limit)
    g_ptr_array_set_size (result, query->limit);

  return result;
}
