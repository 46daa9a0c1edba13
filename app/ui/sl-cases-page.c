/* sl-cases-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-application.h"
#include "sl-cases-page.h"
#include "sl-keyring.h"
#include "sl-rest-client.h"
#include "sl-token-refresher.h"
#include "sl-window.h"

/* How far back a repeated Post Comment looks for the comment that a timed
 * out or dropped request may have created. */
#define RETRY_WINDOW_SECONDS 600

/* Salesforce IDs are case-sensitive in their 15-character form. The
 * 18-character form of the same ID adds a checksum suffix. */
#define SALESFORCE_ID_LENGTH 15

/* Each section has its own button, spinner and error line. */
typedef enum
{
  SECTION_LOOKUP,
  SECTION_COMMENT,
  SECTION_STATUS,
  SECTION_ASSIGN,
  N_SECTIONS
} Section;

typedef struct
{
  GtkWidget  *button;
  GtkSpinner *spinner;
  GtkWidget  *error_box;
  GtkLabel   *error_label;
  GtkWidget  *reconnect_button;
} SectionWidgets;

struct _SlCasesPage
{
  AdwBin          parent_instance;

  GtkStack       *stack;
  AdwStatusPage  *status_page;
  GtkWidget      *open_profile_button;
  GtkEntry       *case_entry;
  GtkWidget      *case_group;
  AdwActionRow   *subject_row;
  AdwActionRow   *case_status_row;
  AdwActionRow   *owner_row;
  GtkWidget      *actions_box;
  GtkTextView    *comment_view;
  GtkSwitch      *public_switch;
  GtkLabel       *visibility_label;
  GtkDropDown    *status_dropdown;
  GtkStringList  *status_list;
  SectionWidgets  sections[N_SECTIONS];

  SlConnection   *connection;
  char           *user_id;
  GCancellable   *cancellable;
  gboolean        busy;
  SlCase         *current_case;
  gboolean        has_statuses;

  /* The case and text of the last Post Comment that failed without a
   * response, so pressing it again cannot post the same comment twice. */
  char           *retry_case_id;
  char           *retry_body;
};

G_DEFINE_FINAL_TYPE (SlCasesPage, sl_cases_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One look-up or writeback, from the keyring read to the refreshed case. */
typedef struct
{
  SlCasesPage  *page;
  Section       section;
  SlRestClient *client;
  char         *case_number;
  char         *case_id;
  char         *comment;
  gboolean      is_published;
  gboolean      is_retry;
  char         *status;
} Request;

static void
request_free (Request *request)
{
  g_clear_object (&request->page);
  g_clear_object (&request->client);
  g_free (request->case_number);
  g_free (request->case_id);
  g_free (request->comment);
  g_free (request->status);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static Request *
request_new (SlCasesPage *self,
             Section      section)
{
  Request *request = g_new0 (Request, 1);

  request->page = g_object_ref (self);
  request->section = section;
  if (self->current_case != NULL)
    {
      request->case_number = g_strdup (self->current_case->case_number);
      request->case_id = g_strdup (self->current_case->id);
    }

  return request;
}

/* ---- display ----------------------------------------------------------- */

static gboolean
ids_equal (const char *a,
           const char *b)
{
  if (a == NULL || b == NULL)
    return FALSE;

  if (strlen (a) < SALESFORCE_ID_LENGTH || strlen (b) < SALESFORCE_ID_LENGTH)
    return g_strcmp0 (a, b) == 0;

  return strncmp (a, b, SALESFORCE_ID_LENGTH) == 0;
}

static gboolean
owns_current_case (SlCasesPage *self)
{
  return self->current_case != NULL
         && ids_equal (self->current_case->owner_id, self->user_id);
}

static void
update_sensitivity (SlCasesPage *self)
{
  gboolean has_case = self->current_case != NULL;

  gtk_widget_set_sensitive (self->sections[SECTION_LOOKUP].button, !self->busy);
  gtk_widget_set_sensitive (self->sections[SECTION_COMMENT].button, !self->busy && has_case);
  gtk_widget_set_sensitive (self->sections[SECTION_STATUS].button,
                            !self->busy && has_case && self->has_statuses);
  gtk_widget_set_sensitive (self->sections[SECTION_ASSIGN].button, !self->busy && has_case);
  gtk_widget_set_visible (self->sections[SECTION_ASSIGN].button, !owns_current_case (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->status_dropdown), self->has_statuses);
}

static void
set_busy (SlCasesPage *self,
          Section      section,
          gboolean     busy)
{
  GtkSpinner *spinner = self->sections[section].spinner;

  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  gtk_spinner_set_spinning (spinner, busy);
  update_sensitivity (self);
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL && *text != '\0' ? text : "—");
}

static void
select_case_status (SlCasesPage *self)
{
  GListModel *model = G_LIST_MODEL (self->status_list);
  guint n_items = g_list_model_get_n_items (model);

  if (self->current_case == NULL)
    return;

  for (guint i = 0; i < n_items; i++)
    {
      const char *status = gtk_string_list_get_string (self->status_list, i);

      if (g_strcmp0 (status, self->current_case->status) == 0)
        {
          gtk_drop_down_set_selected (self->status_dropdown, i);
          return;
        }
    }
}

static void
show_owner (SlCasesPage *self)
{
  const SlCase *current = self->current_case;
  const char *owner = current->owner_name != NULL ? current->owner_name : current->owner_id;
  g_autofree char *text = NULL;

  if (owns_current_case (self))
    /* Translators: the owner of a case when it is the signed-in agent, %s is a name. */
    text = g_strdup_printf (_("%s (you)"), owner);
  else
    text = g_strdup (owner);

  set_row_text (self->owner_row, text);
}

static void
clear_error (SlCasesPage *self,
             Section      section)
{
  SectionWidgets *widgets = &self->sections[section];

  gtk_widget_set_visible (widgets->error_box, FALSE);
  gtk_accessible_reset_property (GTK_ACCESSIBLE (widgets->button),
                                 GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
clear_errors (SlCasesPage *self)
{
  for (guint i = 0; i < N_SECTIONS; i++)
    clear_error (self, i);
}

/* Shows @found, or hides the case and its actions when it is NULL. */
static void
show_case (SlCasesPage *self,
           SlCase      *found)
{
  g_autoptr (SlCase) previous = g_steal_pointer (&self->current_case);
  g_autofree char *title = NULL;
  gboolean same_case;

  self->current_case = found;
  same_case = previous != NULL && found != NULL && ids_equal (previous->id, found->id);
  if (!same_case)
    {
      clear_error (self, SECTION_COMMENT);
      clear_error (self, SECTION_STATUS);
      clear_error (self, SECTION_ASSIGN);
    }

  gtk_widget_set_visible (self->case_group, found != NULL);
  gtk_widget_set_visible (self->actions_box, found != NULL);
  update_sensitivity (self);
  if (found == NULL)
    return;

  /* Translators: the heading of the case details, %s is a case number. */
  title = g_strdup_printf (_("Case %s"), found->case_number);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->case_group), title);
  set_row_text (self->subject_row, found->subject);
  set_row_text (self->case_status_row, found->status);
  show_owner (self);

  /* A refresh after another writeback keeps a status the user picked but
   * has not applied yet. */
  if (!same_case || g_strcmp0 (previous->status, found->status) != 0)
    select_case_status (self);
}

static void
set_statuses (SlCasesPage        *self,
              const char * const *statuses)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->status_list));

  gtk_string_list_splice (self->status_list, 0, n_items, statuses);
  self->has_statuses = statuses != NULL && statuses[0] != NULL;
  select_case_status (self);
  update_sensitivity (self);
}

/* Shows @message under @section. Screen readers also find it as the
 * description of the section's button. */
static void
show_error_message (SlCasesPage *self,
                    Section      section,
                    const char  *message,
                    gboolean     offer_reconnect)
{
  SectionWidgets *widgets = &self->sections[section];

  gtk_label_set_text (widgets->error_label, message);
  gtk_widget_set_visible (widgets->reconnect_button, offer_reconnect);
  gtk_widget_set_visible (widgets->error_box, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widgets->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
}

static gboolean
is_transient_failure (const GError *error)
{
  return g_error_matches (error, SL_REST_ERROR, SL_REST_ERROR_OFFLINE)
         || g_error_matches (error, SL_REST_ERROR, SL_REST_ERROR_TIMED_OUT);
}

/* The REST client's messages already tell whether to try again. A comment
 * also gets the promise that posting it again adds it only once. */
static char *
describe_error (Section       section,
                const GError *error)
{
  if (section != SECTION_COMMENT || !is_transient_failure (error))
    return g_strdup (error->message);

  /* Translators: follows a message that Salesforce could not be reached
   * or did not respond in time. */
  /* The retry check matches the text and the visibility of the comment,
   * so the promise holds only for a comment posted again unchanged. */
  return g_strdup_printf (_("%s Posting the comment again unchanged, with the same "
                            "Public setting, does not add it twice."),
                          error->message);
}

static void
show_error (SlCasesPage  *self,
            Section       section,
            const GError *error)
{
  g_autofree char *message = describe_error (section, error);
  gboolean expired = g_error_matches (error, SL_REST_ERROR, SL_REST_ERROR_SESSION_EXPIRED)
                     || sl_token_refresher_error_needs_reauth (error)
                     || error->domain == SL_KEYRING_ERROR
                     || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  show_error_message (self, section, message, expired);
}

static void
update_visibility_label (SlCasesPage *self)
{
  if (gtk_switch_get_active (self->public_switch))
    gtk_label_set_text (self->visibility_label,
                        _("The customer can see this comment."));
  else
    gtk_label_set_text (self->visibility_label,
                        _("Internal comment, visible only inside your organization."));
}

static void
on_public_switch_changed (SlCasesPage *self)
{
  update_visibility_label (self);
}

/* ---- focus ------------------------------------------------------------- */

static gboolean
can_take_focus (GtkWidget *widget)
{
  return gtk_widget_is_sensitive (widget) && gtk_widget_is_visible (widget);
}

/* A button that turned insensitive while its request ran has lost the
 * keyboard focus. The focus goes back to that button, or to the case number
 * entry when the button is hidden (Assign to Me after an assignment). */
static void
restore_focus (SlCasesPage *self,
               Section      section)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *button = self->sections[section].button;

  if (root == NULL || gtk_root_get_focus (root) != NULL)
    return;

  if (can_take_focus (button))
    gtk_widget_grab_focus (button);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->case_entry));
}

void
sl_cases_page_focus (SlCasesPage *self)
{
  g_return_if_fail (SL_IS_CASES_PAGE (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "cases") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->case_entry));
  else
    gtk_widget_grab_focus (self->open_profile_button);
}

/* ---- requests ---------------------------------------------------------- */

static void
finish_request (Request *request)
{
  g_autoptr (Request) owned = request;
  SlCasesPage *self = request->page;

  set_busy (self, request->section, FALSE);
  restore_focus (self, request->section);
}

static void
fail_request (Request      *request,
              const GError *error)
{
  SlCasesPage *self = request->page;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      request_free (request);
      return;
    }

  /* Logged without the case's text or the comment: only what failed. */
  g_message ("Writeback to case %s failed: %s", request->case_number, error->message);
  if (request->section == SECTION_COMMENT && is_transient_failure (error))
    {
      g_free (self->retry_case_id);
      self->retry_case_id = g_strdup (request->case_id);
      g_free (self->retry_body);
      self->retry_body = g_strdup (request->comment);
    }

  show_error (self, request->section, error);
  finish_request (request);
}

static void
on_statuses_loaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) statuses = NULL;

  statuses = sl_rest_client_get_case_statuses_finish (SL_REST_CLIENT (source), result, &error);
  if (statuses == NULL)
    {
      request->section = SECTION_STATUS;
      fail_request (request, error);
      return;
    }

  set_statuses (request->page, (const char * const *) statuses);
  finish_request (request);
}

static gboolean
shows_case_number (SlCasesPage *self,
                   const char  *case_number)
{
  return self->current_case != NULL
         && g_strcmp0 (self->current_case->case_number, case_number) == 0;
}

static void
on_case_found (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Request *request = user_data;
  SlCasesPage *self = request->page;
  g_autoptr (GError) error = NULL;
  SlCase *found;

  found = sl_rest_client_find_case_finish (SL_REST_CLIENT (source), result, &error);
  if (found == NULL)
    {
      /* A failed explicit look-up hides the previous case, so no writeback
       * can go to a case other than the number in the entry. The case stays
       * when only the network failed while looking the same number up. */
      if (request->section == SECTION_LOOKUP
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !(is_transient_failure (error) && shows_case_number (self, request->case_number)))
        show_case (self, NULL);
      fail_request (request, error);
      return;
    }

  show_case (self, found);
  if (self->has_statuses)
    {
      finish_request (request);
      return;
    }

  sl_rest_client_get_case_statuses_async (request->client, self->cancellable,
                                          on_statuses_loaded, request);
}

static void
refresh_case (Request    *request,
              const char *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (request->page));

  if (SL_IS_WINDOW (root))
    sl_window_add_toast (SL_WINDOW (root), toast);

  sl_rest_client_find_case_async (request->client, request->case_number,
                                  request->page->cancellable, on_case_found, request);
}

static void
on_comment_posted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Request *request = user_data;
  SlCasesPage *self = request->page;
  g_autoptr (GError) error = NULL;
  g_autofree char *comment_id = NULL;

  comment_id = sl_rest_client_post_comment_finish (SL_REST_CLIENT (source), result, &error);
  if (comment_id == NULL)
    {
      fail_request (request, error);
      return;
    }

  g_debug ("Posted comment %s on case %s", comment_id, request->case_number);
  g_clear_pointer (&self->retry_case_id, g_free);
  g_clear_pointer (&self->retry_body, g_free);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->comment_view), "", -1);
  /* Back to internal, so the next comment is not shown to the customer
   * because the switch was left on. */
  gtk_switch_set_active (self->public_switch, FALSE);
  refresh_case (request, _("Comment posted"));
}

static void
on_case_updated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *toast = NULL;

  if (!sl_rest_client_update_case_finish (SL_REST_CLIENT (source), result, &error))
    {
      fail_request (request, error);
      return;
    }

  if (request->section == SECTION_STATUS)
    /* Translators: %s is the new status of a case, e.g. "Working". */
    toast = g_strdup_printf (_("Status changed to %s"), request->status);
  else
    toast = g_strdup (_("Case assigned to you"));

  refresh_case (request, toast);
}

static void
run_update (Request *request)
{
  SlCasesPage *self = request->page;
  g_autoptr (JsonObject) fields = json_object_new ();

  if (request->section == SECTION_STATUS)
    json_object_set_string_member (fields, "Status", request->status);
  else
    json_object_set_string_member (fields, "OwnerId",
                                   sl_rest_client_get_user_id (request->client));

  sl_rest_client_update_case_async (request->client, request->case_id, fields,
                                    self->cancellable, on_case_updated, request);
}

static void
run_request (Request *request)
{
  SlCasesPage *self = request->page;

  switch (request->section)
    {
    case SECTION_LOOKUP:
      sl_rest_client_find_case_async (request->client, request->case_number,
                                      self->cancellable, on_case_found, request);
      break;
    case SECTION_COMMENT:
      sl_rest_client_post_comment_async (request->client, request->case_id,
                                         request->comment, request->is_published,
                                         request->is_retry, RETRY_WINDOW_SECONDS,
                                         self->cancellable, on_comment_posted, request);
      break;
    case SECTION_STATUS:
    case SECTION_ASSIGN:
      run_update (request);
      break;
    case N_SECTIONS:
    default:
      g_assert_not_reached ();
    }
}

static SlRestClient *
create_client (SlCasesPage          *self,
               const SlCredentials  *credentials,
               GError              **error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app = GTK_IS_WINDOW (root)
                        ? gtk_window_get_application (GTK_WINDOW (root))
                        : NULL;

  if (!SL_IS_APPLICATION (app))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The page has no window");
      return NULL;
    }

  return sl_application_create_rest_client (SL_APPLICATION (app), credentials, error);
}

static void
on_credentials_loaded (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr (SlCredentials) credentials = NULL;
  g_autoptr (GError) error = NULL;

  /* The credentials hold the tokens: sl_credentials_free() wipes them as
   * soon as the client has copied what it needs. */
  credentials = sl_keyring_load_finish (result, &error);
  if (credentials == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 _("Your Salesforce account is not connected. "
                                   "Connect it on the User Profile page."));
  if (credentials != NULL)
    request->client = create_client (request->page, credentials, &error);

  if (request->client == NULL)
    {
      fail_request (request, error);
      return;
    }

  run_request (request);
}

static void
start_request (Request *request)
{
  SlCasesPage *self = request->page;

  clear_error (self, request->section);
  set_busy (self, request->section, TRUE);
  sl_keyring_load_async (SL_SLOT_USER, self->cancellable, on_credentials_loaded, request);
}

/* ---- user input -------------------------------------------------------- */

static void
look_up (SlCasesPage *self)
{
  g_autofree char *number = NULL;
  Request *request;

  if (self->busy)
    return;

  number = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->case_entry))));
  if (*number == '\0')
    {
      show_error_message (self, SECTION_LOOKUP, _("Enter a case number."), FALSE);
      return;
    }

  request = request_new (self, SECTION_LOOKUP);
  g_free (request->case_number);
  request->case_number = g_steal_pointer (&number);
  start_request (request);
}

static void
on_case_entry_activate (SlCasesPage *self)
{
  look_up (self);
}

static void
on_lookup_clicked (SlCasesPage *self)
{
  look_up (self);
}

static char *
get_comment_text (SlCasesPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->comment_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static void
on_post_clicked (SlCasesPage *self)
{
  g_autofree char *body = get_comment_text (self);
  Request *request;

  if (self->busy || self->current_case == NULL)
    return;

  if (is_blank (body))
    {
      show_error_message (self, SECTION_COMMENT, _("Write a comment first."), FALSE);
      return;
    }

  request = request_new (self, SECTION_COMMENT);
  request->is_published = gtk_switch_get_active (self->public_switch);
  request->is_retry = g_strcmp0 (self->retry_case_id, request->case_id) == 0
                      && g_strcmp0 (self->retry_body, body) == 0;
  request->comment = g_steal_pointer (&body);
  g_debug ("Posting a comment on case %s (retry: %s)", request->case_number,
           request->is_retry ? "yes" : "no");
  start_request (request);
}

static void
on_change_status_clicked (SlCasesPage *self)
{
  guint position = gtk_drop_down_get_selected (self->status_dropdown);
  const char *status;
  Request *request;

  if (self->busy || self->current_case == NULL || position == GTK_INVALID_LIST_POSITION)
    return;

  status = gtk_string_list_get_string (self->status_list, position);
  if (g_strcmp0 (status, self->current_case->status) == 0)
    {
      show_error_message (self, SECTION_STATUS,
                          _("The case already has this status. Pick another one."), FALSE);
      return;
    }

  request = request_new (self, SECTION_STATUS);
  request->status = g_strdup (status);
  start_request (request);
}

static void
on_assign_clicked (SlCasesPage *self)
{
  if (self->busy || self->current_case == NULL)
    return;

  start_request (request_new (self, SECTION_ASSIGN));
}

/* ---- connection -------------------------------------------------------- */

/* Cancels the requests of the previous agent and clears their case,
 * statuses and retry state. Typed text stays. */
static void
reset_for_user (SlCasesPage *self,
                const char  *user_id)
{
  g_debug ("Cases page now acts as user %s", user_id != NULL ? user_id : "(none)");
  g_free (self->user_id);
  self->user_id = g_strdup (user_id);

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  for (guint i = 0; i < N_SECTIONS; i++)
    set_busy (self, i, FALSE);

  g_clear_pointer (&self->retry_case_id, g_free);
  g_clear_pointer (&self->retry_body, g_free);
  set_statuses (self, NULL);
  show_case (self, NULL);
  clear_errors (self);
}

static const char *
describe_disconnected (SlConnectionState state)
{
  switch (state)
    {
    case SL_CONNECTION_STATE_NEEDS_REAUTH:
      return _("Your Salesforce sign-in has expired. Reconnect on the User Profile page "
               "so that your comments and changes appear under your name.");
    case SL_CONNECTION_STATE_CONNECTING:
      return _("Signing in to Salesforce…");
    case SL_CONNECTION_STATE_ERROR:
      return _("Your Salesforce account could not be used. Open the User Profile page "
               "to see why and what to do.");
    case SL_CONNECTION_STATE_DISCONNECTED:
    case SL_CONNECTION_STATE_CONNECTED:
    default:
      return _("Comments, status changes and assignments are made with your own "
               "Salesforce account, so that they appear under your name.");
    }
}

static void
update_connection_state (SlCasesPage *self)
{
  SlConnectionState state = SL_CONNECTION_STATE_DISCONNECTED;
  const char *user_id = NULL;
  gboolean connected;

  if (self->connection != NULL)
    {
      state = sl_connection_get_state (self->connection);
      user_id = sl_connection_get_user_id (self->connection);
    }

  connected = state == SL_CONNECTION_STATE_CONNECTED;
  if (!connected)
    user_id = NULL;
  if (g_strcmp0 (user_id, self->user_id) != 0)
    reset_for_user (self, user_id);

  adw_status_page_set_title (self->status_page,
                             state == SL_CONNECTION_STATE_ERROR
                             ? _("Salesforce connection needs attention")
                             : _("Connect your Salesforce account to write back to cases"));
  adw_status_page_set_description (self->status_page, describe_disconnected (state));

  /* Without a connection, or until the keyring has been read, the page
   * stays empty rather than asking a connected agent to connect. */
  if (self->connection == NULL || !sl_connection_get_known (self->connection))
    {
      gtk_stack_set_visible_child_name (self->stack, "unknown");
      return;
    }

  /* The icon is set only when the page is shown: an image on a hidden page
   * still loads its icon, and this one is an SVG that would load an SVG
   * renderer at every start-up. */
  if (!connected)
    adw_status_page_set_icon_name (self->status_page, "avatar-default-symbolic");
  gtk_stack_set_visible_child_name (self->stack, connected ? "cases" : "disconnected");
}

static void
on_connection_notify (SlCasesPage *self)
{
  update_connection_state (self);
}

SlConnection *
sl_cases_page_get_connection (SlCasesPage *self)
{
  g_return_val_if_fail (SL_IS_CASES_PAGE (self), NULL);

  return self->connection;
}

void
sl_cases_page_set_connection (SlCasesPage  *self,
                              SlConnection *connection)
{
  g_return_if_fail (SL_IS_CASES_PAGE (self));
  g_return_if_fail (connection == NULL || SL_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    g_signal_connect_swapped (connection, "notify", G_CALLBACK (on_connection_notify), self);

  update_connection_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* ---- life cycle -------------------------------------------------------- */

/* Closing the window ends every request of the page. */
static void
sl_cases_page_unroot (GtkWidget *widget)
{
  SlCasesPage *self = SL_CASES_PAGE (widget);

  g_cancellable_cancel (self->cancellable);

  GTK_WIDGET_CLASS (sl_cases_page_parent_class)->unroot (widget);
}

static void
sl_cases_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SlCasesPage *self = SL_CASES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_cases_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SlCasesPage *self = SL_CASES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      sl_cases_page_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_cases_page_dispose (GObject *object)
{
  SlCasesPage *self = SL_CASES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_CASES_PAGE);

  G_OBJECT_CLASS (sl_cases_page_parent_class)->dispose (object);
}

static void
sl_cases_page_finalize (GObject *object)
{
  SlCasesPage *self = SL_CASES_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->current_case, sl_case_free);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->retry_case_id, g_free);
  g_clear_pointer (&self->retry_body, g_free);

  G_OBJECT_CLASS (sl_cases_page_parent_class)->finalize (object);
}

static void
bind_section_child (GtkWidgetClass *widget_class,
                    Section         section,
                    const char     *prefix,
                    const char     *suffix,
                    gssize          field_offset)
{
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);
  gssize offset = G_STRUCT_OFFSET (SlCasesPage, sections)
                  + section * sizeof (SectionWidgets) + field_offset;

  gtk_widget_class_bind_template_child_full (widget_class, g_intern_string (name), FALSE,
                                             offset);
}

/* Binds "PREFIX_button", "PREFIX_spinner", "PREFIX_error_box",
 * "PREFIX_error_label" and "PREFIX_reconnect_button" to @section. */
static void
bind_section (GtkWidgetClass *widget_class,
              Section         section,
              const char     *prefix)
{
  bind_section_child (widget_class, section, prefix, "_button",
                      G_STRUCT_OFFSET (SectionWidgets, button));
  bind_section_child (widget_class, section, prefix, "_spinner",
                      G_STRUCT_OFFSET (SectionWidgets, spinner));
  bind_section_child (widget_class, section, prefix, "_error_box",
                      G_STRUCT_OFFSET (SectionWidgets, error_box));
  bind_section_child (widget_class, section, prefix, "_error_label",
                      G_STRUCT_OFFSET (SectionWidgets, error_label));
  bind_section_child (widget_class, section, prefix, "_reconnect_button",
                      G_STRUCT_OFFSET (SectionWidgets, reconnect_button));
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, open_profile_button);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, case_entry);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, case_group);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, case_status_row);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, owner_row);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, actions_box);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, comment_view);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, public_switch);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, visibility_label);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SlCasesPage, status_list);

  bind_section (widget_class, SECTION_LOOKUP, "lookup");
  bind_section (widget_class, SECTION_COMMENT, "comment");
  bind_section (widget_class, SECTION_STATUS, "status");
  bind_section (widget_class, SECTION_ASSIGN, "assign");
}

static void
bind_callbacks (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_case_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_lookup_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_post_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_change_status_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_assign_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_public_switch_changed);
}

static void
sl_cases_page_class_init (SlCasesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sl_cases_page_get_property;
  object_class->set_property = sl_cases_page_set_property;
  object_class->dispose = sl_cases_page_dispose;
  object_class->finalize = sl_cases_page_finalize;
  widget_class->unroot = sl_cases_page_unroot;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SL_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-cases-page.ui");
  bind_children (widget_class);
  bind_callbacks (widget_class);
}

/* GTK 4.8 gives the button inside a drop-down, which is what takes the
 * focus, no name of its own, so screen readers would read only "toggle
 * button". */
static void
name_status_button (SlCasesPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->status_dropdown));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Status"),
                                        -1);
    }
}

static void
sl_cases_page_init (SlCasesPage *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  name_status_button (self);
  update_visibility_label (self);
  update_connection_state (self);
}

GtkWidget *
sl_cases_page_new (SlConnection *connection)
{
  g_return_val_if_fail (connection == NULL || SL_IS_CONNECTION (connection), NULL);

  return g_object_new (SL_TYPE_CASES_PAGE, "connection", connection, NULL);
}
