/* sl-stand-in-sobjects.c: the fields of Case, CaseComment and User, their
 * records as JSON and the describe results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sl-stand-in.h"

/* Only the fields the app uses; a real org has many more. */
static const StandInField case_fields[] = {
  { "Id", STAND_IN_FIELD_ID, "Case ID", 18, NULL, NULL, FALSE, FALSE },
  { "CaseNumber", STAND_IN_FIELD_STRING, "Case Number", 30, NULL, NULL, FALSE, FALSE },
  { "Subject", STAND_IN_FIELD_STRING, "Subject", 255, NULL, NULL, TRUE, TRUE },
  { "Status", STAND_IN_FIELD_PICKLIST, "Status", 255, NULL, NULL, TRUE, TRUE },
  { "OwnerId", STAND_IN_FIELD_REFERENCE, "Owner ID", 18, "User", "Owner", TRUE, TRUE },
};

static const StandInField comment_fields[] = {
  { "Id", STAND_IN_FIELD_ID, "Case Comment ID", 18, NULL, NULL, FALSE, FALSE },
  { "ParentId", STAND_IN_FIELD_REFERENCE, "Parent ID", 18, "Case", "Parent", TRUE, FALSE },
  { "CommentBody", STAND_IN_FIELD_TEXTAREA, "Body", 4000, NULL, NULL, TRUE, TRUE },
  { "IsPublished", STAND_IN_FIELD_BOOLEAN, "Published", 0, NULL, NULL, TRUE, TRUE },
  { "CreatedById", STAND_IN_FIELD_REFERENCE, "Created By ID", 18, "User", "CreatedBy",
    FALSE, FALSE },
  { "CreatedDate", STAND_IN_FIELD_DATETIME, "Created Date", 0, NULL, NULL, FALSE, FALSE },
};

static const StandInField user_fields[] = {
  { "Id", STAND_IN_FIELD_ID, "User ID", 18, NULL, NULL, FALSE, FALSE },
  { "Username", STAND_IN_FIELD_STRING, "Username", 80, NULL, NULL, FALSE, FALSE },
  { "Name", STAND_IN_FIELD_STRING, "Full Name", 121, NULL, NULL, FALSE, FALSE },
  { "Email", STAND_IN_FIELD_STRING, "Email", 128, NULL, NULL, FALSE, FALSE },
  { "IsActive", STAND_IN_FIELD_BOOLEAN, "Active", 0, NULL, NULL, FALSE, FALSE },
};

static const StandInObject objects[] = {
  { "Case", "Case", "500", case_fields, G_N_ELEMENTS (case_fields) },
  { "CaseComment", "Case Comment", "00a", comment_fields, G_N_ELEMENTS (comment_fields) },
  { "User", "User", "005", user_fields, G_N_ELEMENTS (user_fields) },
};

static const char * const field_type_names[] = {
  [STAND_IN_FIELD_ID] = "id",
  [STAND_IN_FIELD_STRING] = "string",
  [STAND_IN_FIELD_TEXTAREA] = "textarea",
  [STAND_IN_FIELD_PICKLIST] = "picklist",
  [STAND_IN_FIELD_BOOLEAN] = "boolean",
  [STAND_IN_FIELD_DATETIME] = "datetime",
  [STAND_IN_FIELD_REFERENCE] = "reference",
};

/* Returns the sObject called @name, compared case-insensitively like
 * Salesforce does, or NULL. */
const StandInObject *
stand_in_find_object (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (objects); i++)
    {
      if (g_ascii_strcasecmp (objects[i].name, name) == 0)
        return &objects[i];
    }

  return NULL;
}

/* Returns the field @name of @object, compared case-insensitively, or NULL. */
const StandInField *
stand_in_object_find_field (const StandInObject *object,
                            const char          *name)
{
  for (guint i = 0; name != NULL && i < object->n_fields; i++)
    {
      if (g_ascii_strcasecmp (object->fields[i].name, name) == 0)
        return &object->fields[i];
    }

  return NULL;
}

static JsonObject *
case_to_json (const StandInCase *record)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "Id", record->id);
  json_object_set_string_member (object, "CaseNumber", record->case_number);
  json_object_set_string_member (object, "Subject", record->subject);
  json_object_set_string_member (object, "Status", record->status);
  json_object_set_string_member (object, "OwnerId", record->owner_id);

  return object;
}

static JsonObject *
comment_to_json (const StandInComment *comment)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "Id", comment->id);
  json_object_set_string_member (object, "ParentId", comment->parent_id);
  json_object_set_string_member (object, "CommentBody", comment->comment_body);
  json_object_set_boolean_member (object, "IsPublished", comment->is_published);
  json_object_set_string_member (object, "CreatedById", comment->created_by_id);
  json_object_set_string_member (object, "CreatedDate", comment->created_date);

  return object;
}

static JsonObject *
user_to_json (const StandInUser *user)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "Id", user->user_id);
  json_object_set_string_member (object, "Username", user->username);
  json_object_set_string_member (object, "Name", user->name);
  json_object_set_string_member (object, "Email", user->email);
  json_object_set_boolean_member (object, "IsActive", user->active);

  return object;
}

/* Returns every record of @object as a JsonObject with all its fields,
 * keyed by their canonical names, in creation order. */
GPtrArray *
stand_in_list_records (StandIn             *self,
                       const StandInObject *object)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  StandInFixture *fixture = self->fixture;

  if (g_str_equal (object->name, "Case"))
    for (guint i = 0; i < fixture->cases->len; i++)
      g_ptr_array_add (records, case_to_json (g_ptr_array_index (fixture->cases, i)));
  else if (g_str_equal (object->name, "CaseComment"))
    for (guint i = 0; i < fixture->comments->len; i++)
      g_ptr_array_add (records, comment_to_json (g_ptr_array_index (fixture->comments, i)));
  else
    for (guint i = 0; i < fixture->users->len; i++)
      g_ptr_array_add (records, user_to_json (g_ptr_array_index (fixture->users, i)));

  return records;
}

/* Returns a new reference to the record of @object with the ID @id, or
 * NULL. */
JsonObject *
stand_in_find_record (StandIn             *self,
                      const StandInObject *object,
                      const char          *id)
{
  g_autoptr(GPtrArray) records = stand_in_list_records (self, object);

  for (guint i = 0; id != NULL && i < records->len; i++)
    {
      JsonObject *record = g_ptr_array_index (records, i);

      if (g_str_equal (json_object_get_string_member (record, "Id"), id))
        return json_object_ref (record);
    }

  return NULL;
}

static void
add_picklist_values (StandIn     *self,
                     JsonBuilder *builder)
{
  GPtrArray *statuses = self->fixture->case_statuses;

  json_builder_begin_array (builder);
  for (guint i = 0; i < statuses->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "active");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "defaultValue");
      json_builder_add_boolean_value (builder, i == 0);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, g_ptr_array_index (statuses, i));
      json_builder_set_member_name (builder, "validFor");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "value");
      json_builder_add_string_value (builder, g_ptr_array_index (statuses, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_reference_to (JsonBuilder        *builder,
                  const StandInField *field)
{
  json_builder_set_member_name (builder, "referenceTo");
  json_builder_begin_array (builder);
  if (field->reference_to != NULL)
    json_builder_add_string_value (builder, field->reference_to);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "relationshipName");
  if (field->relationship != NULL)
    json_builder_add_string_value (builder, field->relationship);
  else
    json_builder_add_null_value (builder);
}

static void
add_field_describe (StandIn            *self,
                    JsonBuilder        *builder,
                    const StandInField *field,
                    gboolean            can_edit)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, field->name);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, field->label);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, field_type_names[field->type]);
  json_builder_set_member_name (builder, "length");
  json_builder_add_int_value (builder, field->length);
  json_builder_set_member_name (builder, "createable");
  json_builder_add_boolean_value (builder, can_edit && field->createable);
  json_builder_set_member_name (builder, "updateable");
  json_builder_add_boolean_value (builder, can_edit && field->updateable);
  json_builder_set_member_name (builder, "nillable");
  json_builder_add_boolean_value (builder, field->type == STAND_IN_FIELD_STRING);
  add_reference_to (builder, field);

  json_builder_set_member_name (builder, "picklistValues");
  if (field->type == STAND_IN_FIELD_PICKLIST)
    add_picklist_values (self, builder);
  else
    {
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

/* Builds the describe result of @object.  Without @can_edit the object and
 * its fields are neither createable nor updateable. */
void
stand_in_build_describe (StandIn             *self,
                         JsonBuilder         *builder,
                         const StandInObject *object,
                         gboolean             can_edit)
{
  gboolean editable = can_edit && !g_str_equal (object->name, "User");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, object->name);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, object->label);
  json_builder_set_member_name (builder, "keyPrefix");
  json_builder_add_string_value (builder, object->key_prefix);
  json_builder_set_member_name (builder, "queryable");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "createable");
  json_builder_add_boolean_value (builder, editable);
  json_builder_set_member_name (builder, "updateable");
  json_builder_add_boolean_value (builder, editable);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < object->n_fields; i++)
    add_field_describe (self, builder, &object->fields[i], editable);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}
