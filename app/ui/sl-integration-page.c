/* sl-integration-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-integration-page.h"

struct _SlIntegrationPage
{
  AdwPreferencesPage   parent_instance;

  AdwPreferencesGroup *status_group;
  AdwActionRow        *status_row;
  GtkStack            *status_icon_stack;
  GtkImage            *status_icon;
  GtkSpinner          *status_spinner;
  GtkLabel            *error_label;
  GtkLabel            *warning_label;
  AdwPreferencesGroup *account_group;
  AdwActionRow        *email_row;
  AdwActionRow        *username_row;
  AdwActionRow        *org_id_row;
  AdwActionRow        *instance_url_row;
  AdwActionRow        *connected_at_row;
  GtkWidget           *button_box;
  GtkWidget           *connect_button;
  GtkWidget           *disconnect_button;
  GtkWidget           *reconnect_button;
  GtkWidget           *retry_button;
  GtkWidget           *remove_button;

  SlConnection        *connection;
  char                *description;
  /* Set when a focused button was hidden and no button could take the
   * focus yet. */
  gboolean             focus_pending;
};

G_DEFINE_FINAL_TYPE (SlIntegrationPage, sl_integration_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_DESCRIPTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
sl_integration_page_describe_state (SlConnectionState state)
{
  switch (state)
    {
    case SL_CONNECTION_STATE_CONNECTING:
      return _("Connecting…");
    case SL_CONNECTION_STATE_CONNECTED:
      return _("Connected");
    case SL_CONNECTION_STATE_NEEDS_REAUTH:
      return _("Reconnect required");
    case SL_CONNECTION_STATE_ERROR:
      return _("Error");
    case SL_CONNECTION_STATE_DISCONNECTED:
    default:
      return _("Not connected");
    }
}

const char *
sl_integration_page_describe_connection (SlConnection *connection)
{
  g_return_val_if_fail (SL_IS_CONNECTION (connection), NULL);

  if (!sl_connection_get_known (connection))
    return _("Reading the keyring…");

  return sl_integration_page_describe_state (sl_connection_get_state (connection));
}

static const char *
get_state_icon_name (SlConnectionState state)
{
  switch (state)
    {
    case SL_CONNECTION_STATE_CONNECTED:
      return "emblem-ok-symbolic";
    case SL_CONNECTION_STATE_NEEDS_REAUTH:
      return "dialog-warning-symbolic";
    case SL_CONNECTION_STATE_ERROR:
      return "dialog-error-symbolic";
    case SL_CONNECTION_STATE_CONNECTING:
    case SL_CONNECTION_STATE_DISCONNECTED:
    default:
      return "network-offline-symbolic";
    }
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  gboolean has_text = text != NULL && *text != '\0';

  adw_action_row_set_subtitle (row, has_text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (row), has_text);
}

static char *
format_connected_at (GDateTime *connected_at)
{
  g_autoptr (GDateTime) local = NULL;

  if (connected_at == NULL)
    return NULL;

  local = g_date_time_to_local (connected_at);

  /* Translators: date and time a Salesforce connection was made, in
   * g_date_time_format() notation, e.g. "4 December 2026, 10:00". */
  return g_date_time_format (local, _("%-d %B %Y, %H:%M"));
}

/* Returns the status row's text: the state, that the keyring is still
 * being read, or that a stored connection is being checked with Salesforce. */
static const char *
get_status_text (SlIntegrationPage *self,
                 SlConnectionState  state)
{
  if (self->connection == NULL)
    return sl_integration_page_describe_state (state);

  if (state == SL_CONNECTION_STATE_CONNECTED && sl_connection_get_checking (self->connection))
    return _("Connected, checking with Salesforce…");

  return sl_integration_page_describe_connection (self->connection);
}

static void
update_status (SlIntegrationPage *self,
               SlConnectionState  state)
{
  const char *text = get_status_text (self, state);
  gboolean connecting = state == SL_CONNECTION_STATE_CONNECTING;
  gboolean busy = self->connection != NULL
                  && (sl_connection_get_busy (self->connection)
                      || sl_connection_get_checking (self->connection)
                      || !sl_connection_get_known (self->connection));

  adw_action_row_set_subtitle (self->status_row, text);
  gtk_image_set_from_icon_name (self->status_icon, get_state_icon_name (state));
  gtk_stack_set_visible_child_name (self->status_icon_stack,
                                    connecting || busy ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->status_spinner, connecting || busy);
}

/* Screen readers read the status row's description when the state or the
 * error changes. */
static void
update_accessible_description (SlIntegrationPage *self,
                               SlConnectionState  state)
{
  const char *text = get_status_text (self, state);
  g_autofree char *description = NULL;

  if (gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    description = g_strdup_printf ("%s. %s", text, gtk_label_get_text (self->error_label));
  else if (gtk_widget_get_visible (GTK_WIDGET (self->warning_label)))
    description = g_strdup_printf ("%s. %s", text, gtk_label_get_text (self->warning_label));
  else
    description = g_strdup (text);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_row),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

static void
update_error (SlIntegrationPage *self)
{
  const char *message = NULL;
  const char *code = NULL;
  g_autofree char *text = NULL;

  if (self->connection != NULL)
    {
      message = sl_connection_get_last_error (self->connection);
      code = sl_connection_get_last_error_code (self->connection);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
  if (message == NULL)
    return;

  if (code != NULL)
    /* Translators: an error message followed by the Salesforce error code. */
    text = g_strdup_printf (_("%s (error code: %s)"), message, code);
  else
    text = g_strdup (message);

  gtk_label_set_text (self->error_label, text);
}

/* A warning applies to a connected account only. */
static void
update_warning (SlIntegrationPage *self,
                SlConnectionState  state)
{
  const char *warning = self->connection != NULL
                        ? sl_connection_get_warning (self->connection) : NULL;
  gboolean shown = warning != NULL && state == SL_CONNECTION_STATE_CONNECTED;

  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), shown);
  if (shown)
    gtk_label_set_text (self->warning_label, warning);
}

static void
update_identity (SlIntegrationPage *self)
{
  SlConnection *connection = self->connection;
  g_autofree char *connected_at = NULL;
  gboolean has_identity;

  has_identity = connection != NULL
                 && (sl_connection_get_email (connection) != NULL
                     || sl_connection_get_username (connection) != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->account_group), has_identity);
  if (!has_identity)
    return;

  connected_at = format_connected_at (sl_connection_get_connected_at (connection));
  set_row_text (self->email_row, sl_connection_get_email (connection));
  set_row_text (self->username_row, sl_connection_get_username (connection));
  set_row_text (self->org_id_row, sl_connection_get_org_id (connection));
  set_row_text (self->instance_url_row, sl_connection_get_instance_url (connection));
  set_row_text (self->connected_at_row, connected_at);
}

/* The fix the page offers for a failure, chosen by its diagnostic code. */
typedef struct
{
  const char *code;
  const char *label;
  const char *action;
} Remedy;

static const Remedy remedies[] = {
  { "keyring-locked", N_("_Unlock Keyring"), "app.reload" },
  { "keyring-unavailable", N_("_Try Again"), "app.reload" },
  { "keyring-failed", N_("_Try Again"), "app.reload" },
  { "check-failed", N_("_Check Again"), "app.check" },
};

/* Points the Try Again button at the fix for the slot's current failure:
 * reading the keyring again, checking the connection again, or signing in
 * again. Returns whether the button applies to @state. */
static gboolean
update_retry_button (SlIntegrationPage *self,
                     SlConnectionState  state)
{
  const char *code = self->connection != NULL
                     ? sl_connection_get_last_error_code (self->connection) : NULL;
  const char *slot = self->connection != NULL
                     ? sl_connection_get_slot (self->connection) : SL_SLOT_INTEGRATION;
  const Remedy *remedy = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (remedies) && code != NULL; i++)
    {
      if (g_str_equal (code, remedies[i].code))
        remedy = &remedies[i];
    }

  gtk_button_set_label (GTK_BUTTON (self->retry_button),
                        remedy != NULL ? _(remedy->label) : _("_Try Again"));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "s", slot);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button),
                                  remedy != NULL ? remedy->action : "app.connect");

  if (g_strcmp0 (code, "keyring-invalid-item") == 0)
    return FALSE;
  if (remedy != NULL && g_str_equal (remedy->action, "app.check"))
    return state == SL_CONNECTION_STATE_CONNECTED;

  return state == SL_CONNECTION_STATE_ERROR;
}

static void
update_buttons (SlIntegrationPage *self,
                SlConnectionState  state)
{
  gboolean busy = self->connection == NULL || sl_connection_get_busy (self->connection);
  gboolean has_account = state == SL_CONNECTION_STATE_CONNECTED
                         || state == SL_CONNECTION_STATE_NEEDS_REAUTH;
  gboolean unreadable = state == SL_CONNECTION_STATE_ERROR && self->connection != NULL
                        && g_strcmp0 (sl_connection_get_last_error_code (self->connection),
                                      "keyring-invalid-item") == 0;

  gtk_widget_set_visible (self->connect_button, state == SL_CONNECTION_STATE_DISCONNECTED);
  gtk_widget_set_visible (self->retry_button, update_retry_button (self, state));
  gtk_widget_set_visible (self->remove_button, unreadable);
  gtk_widget_set_visible (self->disconnect_button, has_account);
  gtk_widget_set_visible (self->reconnect_button, has_account);
  gtk_widget_set_sensitive (self->button_box, !busy);

  if (state == SL_CONNECTION_STATE_NEEDS_REAUTH)
    gtk_widget_add_css_class (self->reconnect_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->reconnect_button, "suggested-action");
}

/* Returns whether the keyboard focus is on one of the page's buttons. */
static gboolean
buttons_have_focus (SlIntegrationPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_is_ancestor (focus, self->button_box);
}

/* Moves the keyboard focus to the page's main button once one is visible
 * again, when the focused button was hidden by a state change (Connect
 * hides while the sign-in dialog is open), so keyboard users can go on
 * from here. */
static void
restore_focus (SlIntegrationPage *self,
               gboolean           had_focus)
{
  GtkWidget *candidates[] = {
    self->retry_button, self->remove_button, self->connect_button, self->reconnect_button,
  };

  self->focus_pending = self->focus_pending || had_focus;
  if (!self->focus_pending)
    return;

  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      if (gtk_widget_get_visible (candidates[i]))
        {
          self->focus_pending = FALSE;
          gtk_widget_grab_focus (candidates[i]);
          return;
        }
    }
}

static void
update (SlIntegrationPage *self)
{
  SlConnectionState state = SL_CONNECTION_STATE_DISCONNECTED;
  gboolean had_focus = buttons_have_focus (self);

  if (self->connection != NULL)
    state = sl_connection_get_state (self->connection);

  update_status (self, state);
  update_error (self);
  update_warning (self, state);
  update_identity (self);
  update_buttons (self, state);
  update_accessible_description (self, state);
  restore_focus (self, had_focus);
}

static void
on_connection_notify (SlConnection      *connection,
                      GParamSpec        *pspec,
                      SlIntegrationPage *self)
{
  update (self);
}

static void
set_action_targets (SlIntegrationPage *self)
{
  const char *slot = self->connection != NULL
                     ? sl_connection_get_slot (self->connection)
                     : SL_SLOT_INTEGRATION;

  /* The name is set after the target: the application's actions take a
   * slot name, and a button without one would be insensitive. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->connect_button), "s", slot);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->connect_button), "app.connect");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reconnect_button), "s", slot);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->reconnect_button), "app.reconnect");
}

void
sl_integration_page_set_connection (SlIntegrationPage *self,
                                    SlConnection      *connection)
{
  g_return_if_fail (SL_IS_INTEGRATION_PAGE (self));
  g_return_if_fail (connection == NULL || SL_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    g_signal_connect (connection, "notify", G_CALLBACK (on_connection_notify), self);

  set_action_targets (self);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

SlConnection *
sl_integration_page_get_connection (SlIntegrationPage *self)
{
  g_return_val_if_fail (SL_IS_INTEGRATION_PAGE (self), NULL);

  return self->connection;
}

const char *
sl_integration_page_get_description (SlIntegrationPage *self)
{
  g_return_val_if_fail (SL_IS_INTEGRATION_PAGE (self), NULL);

  return self->description;
}

void
sl_integration_page_set_description (SlIntegrationPage *self,
                                     const char        *description)
{
  g_return_if_fail (SL_IS_INTEGRATION_PAGE (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  adw_preferences_group_set_description (self->status_group, description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

static void
on_disconnect_response (AdwMessageDialog  *dialog,
                        const char        *response,
                        SlIntegrationPage *self)
{
  if (g_strcmp0 (response, "disconnect") != 0 || self->connection == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "app.disconnect", "s",
                              sl_connection_get_slot (self->connection));
}

/* Asks before disconnecting, which the app does for both Disconnect and
 * removing an unreadable keyring item. */
static void
confirm_disconnect (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SlIntegrationPage *self = SL_INTEGRATION_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  gboolean remove = g_str_equal (action_name, "page.remove");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (
    adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            remove ? _("Remove the Stored Connection?")
                                   : _("Disconnect from Salesforce?"),
                            remove ? _("The unreadable keyring item is deleted. Its token "
                                       "cannot be revoked on Salesforce because it cannot "
                                       "be read. Connect again afterwards.")
                                   : _("The Salesforce token is revoked and removed from "
                                       "this computer. SupportLogic can no longer update "
                                       "cases with this account until someone connects "
                                       "again.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "disconnect", remove ? _("_Remove") : _("_Disconnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "disconnect",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_disconnect_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sl_integration_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SlIntegrationPage *self = SL_INTEGRATION_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_integration_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SlIntegrationPage *self = SL_INTEGRATION_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      sl_integration_page_set_connection (self, g_value_get_object (value));
      break;
    case PROP_DESCRIPTION:
      sl_integration_page_set_description (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_integration_page_dispose (GObject *object)
{
  SlIntegrationPage *self = SL_INTEGRATION_PAGE (object);

  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_INTEGRATION_PAGE);

  G_OBJECT_CLASS (sl_integration_page_parent_class)->dispose (object);
}

static void
sl_integration_page_finalize (GObject *object)
{
  SlIntegrationPage *self = SL_INTEGRATION_PAGE (object);

  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (sl_integration_page_parent_class)->finalize (object);
}

static void
install_properties (GObjectClass *object_class)
{
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL,
                         SL_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, status_group);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, status_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, account_group);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, org_id_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, instance_url_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, connected_at_row);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, button_box);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, disconnect_button);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, reconnect_button);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SlIntegrationPage, remove_button);
}

static void
sl_integration_page_class_init (SlIntegrationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sl_integration_page_get_property;
  object_class->set_property = sl_integration_page_set_property;
  object_class->dispose = sl_integration_page_dispose;
  object_class->finalize = sl_integration_page_finalize;

  install_properties (object_class);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-integration-page.ui");
  bind_children (widget_class);
  gtk_widget_class_install_action (widget_class, "page.disconnect", NULL, confirm_disconnect);
  gtk_widget_class_install_action (widget_class, "page.remove", NULL, confirm_disconnect);
}

static void
sl_integration_page_init (SlIntegrationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  set_action_targets (self);

  /* The group heading follows the page title, e.g. "Salesforce". */
  g_object_bind_property (self, "title", self->status_group, "title", G_BINDING_SYNC_CREATE);
  update (self);
}

GtkWidget *
sl_integration_page_new (SlConnection *connection)
{
  g_return_val_if_fail (connection == NULL || SL_IS_CONNECTION (connection), NULL);

  return g_object_new (SL_TYPE_INTEGRATION_PAGE, "connection", connection, NULL);
}
