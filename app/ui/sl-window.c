/* sl-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-cases-page.h"
#include "sl-integration-page.h"
#include "sl-window.h"

struct _SlWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkListBox           *sidebar;
  GtkListBoxRow        *cases_row;
  GtkListBoxRow        *settings_row;
  GtkWidget            *content_box;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkStack             *main_stack;
  SlCasesPage          *cases_page;
  GtkStack             *settings_stack;
  AdwActionRow         *salesforce_row;
  SlIntegrationPage    *integration_page;
  GtkStack             *profile_stack;
  AdwAvatar            *profile_avatar;
  GtkLabel             *profile_title;
  GtkLabel             *profile_subtitle;
  AdwActionRow         *user_salesforce_row;
  SlIntegrationPage    *user_page;

  SlConnection         *integration;
  SlConnection         *user;
};

G_DEFINE_FINAL_TYPE (SlWindow, sl_window, ADW_TYPE_APPLICATION_WINDOW)

/* Returns the stack of the visible main page when it has a subpage
 * ("salesforce") in front of its overview, or NULL. */
static GtkStack *
get_subpage_stack (SlWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  GtkStack *stack = NULL;

  if (g_strcmp0 (page, "settings") == 0)
    stack = self->settings_stack;
  else if (g_strcmp0 (page, "profile") == 0)
    stack = self->profile_stack;

  if (stack == NULL || g_strcmp0 (gtk_stack_get_visible_child_name (stack), "salesforce") != 0)
    return NULL;

  return stack;
}

static void
update_header (SlWindow *self)
{
  gboolean subpage = get_subpage_stack (self) != NULL;
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  const char *title;

  if (subpage)
    title = _("Salesforce");
  else
    title = gtk_stack_page_get_title (
      gtk_stack_get_page (self->main_stack, gtk_stack_get_visible_child (self->main_stack)));

  adw_window_title_set_title (self->content_title, title);
  gtk_widget_set_visible (self->back_button, subpage || folded);
}

static void
on_leaflet_folded_changed (SlWindow *self)
{
  update_header (self);
}

/* The sidebar lists Cases and Settings. The User Profile page is reached
 * from the profile menu, so no row is selected while it shows. */
static void
sync_sidebar (SlWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);

  if (g_strcmp0 (page, "cases") == 0)
    gtk_list_box_select_row (self->sidebar, self->cases_row);
  else if (g_strcmp0 (page, "settings") == 0)
    gtk_list_box_select_row (self->sidebar, self->settings_row);
  else
    gtk_list_box_unselect_all (self->sidebar);
}

static void
on_main_stack_child_changed (SlWindow *self)
{
  sync_sidebar (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_header (self);
}

/* Once the focus leaves the sidebar, its selection shows the current page
 * again, even if Tab or the arrow keys selected another row meanwhile. */
static void
on_sidebar_focus_leave (SlWindow *self)
{
  sync_sidebar (self);
}

static void
on_sidebar_row_activated (SlWindow      *self,
                          GtkListBoxRow *row)
{
  gtk_stack_set_visible_child_name (self->main_stack, gtk_widget_get_name (GTK_WIDGET (row)));
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
on_settings_stack_child_changed (SlWindow *self)
{
  update_header (self);
}

static void
show_page (SlWindow   *self,
           const char *page,
           const char *subpage)
{
  gtk_stack_set_visible_child_name (self->main_stack, page);
  if (g_strcmp0 (page, "settings") == 0)
    gtk_stack_set_visible_child_name (self->settings_stack, subpage);
  else if (g_strcmp0 (page, "profile") == 0)
    gtk_stack_set_visible_child_name (self->profile_stack, subpage);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
on_salesforce_row_activated (SlWindow *self)
{
  show_page (self, "settings", "salesforce");
  gtk_widget_grab_focus (GTK_WIDGET (self->integration_page));
}

static void
on_user_salesforce_row_activated (SlWindow *self)
{
  show_page (self, "profile", "salesforce");
  gtk_widget_grab_focus (GTK_WIDGET (self->user_page));
}

static void
go_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  SlWindow *self = SL_WINDOW (widget);
  GtkStack *subpage_stack = get_subpage_stack (self);

  if (subpage_stack != NULL)
    {
      gtk_stack_set_visible_child_name (subpage_stack, "overview");
      if (subpage_stack == self->settings_stack)
        gtk_widget_grab_focus (GTK_WIDGET (self->salesforce_row));
      else
        gtk_widget_grab_focus (GTK_WIDGET (self->user_salesforce_row));
      return;
    }

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_cases_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  SlWindow *self = user_data;

  show_page (self, "cases", NULL);
  sl_cases_page_focus (self->cases_page);
}

static void
show_profile_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SlWindow *self = user_data;

  show_page (self, "profile", "overview");
  gtk_widget_grab_focus (GTK_WIDGET (self->user_salesforce_row));
}

static void
show_settings_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  SlWindow *self = user_data;

  show_page (self, "settings", "overview");
  gtk_widget_grab_focus (GTK_WIDGET (self->salesforce_row));
}

/* GActions rather than widget actions, so that they are also exported on
 * D-Bus with the window (org.gtk.Actions at the window's object path). */
static const GActionEntry win_actions[] = {
  { .name = "show-cases", .activate = show_cases_activated },
  { .name = "show-profile", .activate = show_profile_activated },
  { .name = "show-settings", .activate = show_settings_activated },
};

static void
update_salesforce_row (AdwActionRow *row,
                       SlConnection *connection)
{
  SlConnectionState state = sl_connection_get_state (connection);
  const char *email = sl_connection_get_email (connection);
  g_autofree char *subtitle = NULL;

  if (state == SL_CONNECTION_STATE_CONNECTED && email != NULL)
    /* Translators: the state of a Salesforce connection, %s is an email address. */
    subtitle = g_strdup_printf (_("Connected as %s"), email);
  else
    subtitle = g_strdup (sl_integration_page_describe_state (state));

  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_integration_notify (SlWindow *self)
{
  update_salesforce_row (self->salesforce_row, self->integration);
}

/* The heading of the User Profile page: the agent's Salesforce email while
 * the user slot has an identity. */
static void
update_profile_heading (SlWindow *self)
{
  const char *email = sl_connection_get_email (self->user);
  SlConnectionState state = sl_connection_get_state (self->user);
  gboolean has_email = email != NULL && state != SL_CONNECTION_STATE_DISCONNECTED;

  adw_avatar_set_text (self->profile_avatar, has_email ? email : NULL);
  adw_avatar_set_show_initials (self->profile_avatar, has_email);
  gtk_label_set_text (self->profile_title, has_email ? email : _("User Profile"));
  gtk_label_set_text (self->profile_subtitle,
                      has_email
                      ? sl_integration_page_describe_state (state)
                      : _("Connect your Salesforce account to write back to cases"));
}

static void
on_user_notify (SlWindow *self)
{
  update_salesforce_row (self->user_salesforce_row, self->user);
  update_profile_heading (self);
}

void
sl_window_add_toast (SlWindow   *self,
                     const char *text)
{
  g_return_if_fail (SL_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
sl_window_show_slot (SlWindow   *self,
                     const char *slot)
{
  g_return_if_fail (SL_IS_WINDOW (self));

  if (g_strcmp0 (slot, SL_SLOT_INTEGRATION) == 0)
    show_page (self, "settings", "salesforce");
  else if (g_strcmp0 (slot, SL_SLOT_USER) == 0)
    show_page (self, "profile", "salesforce");
}

static void
set_up_connections (SlWindow      *self,
                    SlApplication *app)
{
  self->integration = g_object_ref (sl_application_get_connection (app, SL_SLOT_INTEGRATION));
  self->user = g_object_ref (sl_application_get_connection (app, SL_SLOT_USER));
  g_signal_connect_object (self->integration, "notify",
                           G_CALLBACK (on_integration_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->user, "notify",
                           G_CALLBACK (on_user_notify), self, G_CONNECT_SWAPPED);
  sl_integration_page_set_connection (self->integration_page, self->integration);
  sl_integration_page_set_connection (self->user_page, self->user);
  sl_cases_page_set_connection (self->cases_page, self->user);
  on_integration_notify (self);
  on_user_notify (self);
  sync_sidebar (self);
  update_header (self);
}

static void
sl_window_dispose (GObject *object)
{
  SlWindow *self = SL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_WINDOW);
  g_clear_object (&self->integration);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (sl_window_parent_class)->dispose (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, cases_row);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, settings_row);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, cases_page);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, settings_stack);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, salesforce_row);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, integration_page);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_stack);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_avatar);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_title);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_subtitle);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, user_salesforce_row);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, user_page);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_main_stack_child_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_settings_stack_child_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_salesforce_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_user_salesforce_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_sidebar_focus_leave);
}

static void
sl_window_class_init (SlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sl_window_dispose;

  g_type_ensure (SL_TYPE_CASES_PAGE);
  g_type_ensure (SL_TYPE_INTEGRATION_PAGE);
  bind_template (widget_class);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, go_back);
}

static void
add_back_shortcut (SlWindow *self)
{
  GtkEventController *controller;
  GtkShortcut *shortcut;

  /* Capture phase, because the leaflet's own Alt+Left only switches to
   * the sidebar and would hide the step back from a subpage. */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Left, GDK_ALT_MASK),
                               gtk_named_action_new ("win.back"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
sl_window_init (SlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  add_back_shortcut (self);
}

SlWindow *
sl_window_new (SlApplication *application)
{
  SlWindow *self;

  g_return_val_if_fail (SL_IS_APPLICATION (application), NULL);

  self = g_object_new (SL_TYPE_WINDOW, "application", application, NULL);
  set_up_connections (self, application);

  return self;
}
