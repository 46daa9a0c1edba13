/* sl-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-cases-page.h"
#include "sl-slot-page.h"
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
  GtkMenuButton        *primary_menu_button;
  GtkMenuButton        *profile_button;
  GMenuModel           *primary_menu;
  GMenuModel           *profile_menu;

  /* Built when first shown, so that start-up builds only the Cases page. */
  SlSlotPage           *settings_page;
  SlSlotPage           *profile_page;

  SlConnection         *integration;
  SlConnection         *user;
};

G_DEFINE_FINAL_TYPE (SlWindow, sl_window, ADW_TYPE_APPLICATION_WINDOW)

/* Returns the visible main page when it is a slot page showing its
 * Salesforce subpage in front of its overview, or NULL. */
static SlSlotPage *
get_page_with_subpage (SlWindow *self)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->main_stack);

  if (!SL_IS_SLOT_PAGE (page)
      || g_strcmp0 (sl_slot_page_get_subpage (SL_SLOT_PAGE (page)), "salesforce") != 0)
    return NULL;

  return SL_SLOT_PAGE (page);
}

static void
update_header (SlWindow *self)
{
  gboolean subpage = get_page_with_subpage (self) != NULL;
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

static SlSlotPage *
create_slot_page (SlWindow   *self,
                  const char *page)
{
  gboolean profile = g_strcmp0 (page, "profile") == 0;
  GtkWidget *widget;

  if (profile)
    widget = sl_slot_page_new (self->user, TRUE,
                               _("Connect your own Salesforce account. SupportLogic uses it "
                                 "when you write back to cases, so that your comments, status "
                                 "changes and assignments appear under your name."));
  else
    widget = sl_slot_page_new (self->integration, FALSE,
                               _("Connect the organization’s Salesforce integration user. "
                                 "SupportLogic uses this account to read and update cases for "
                                 "everyone, so use a dedicated integration user rather than a "
                                 "person’s own account."));

  g_signal_connect_object (widget, "notify::subpage",
                           G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
  gtk_stack_add_titled (self->main_stack, widget, page,
                        profile ? _("User Profile") : _("Settings"));

  return SL_SLOT_PAGE (widget);
}

/* Returns the Settings ("settings") or User Profile ("profile") page,
 * building it the first time, or NULL for the Cases page. */
static SlSlotPage *
ensure_slot_page (SlWindow   *self,
                  const char *page)
{
  SlSlotPage **field;

  if (g_strcmp0 (page, "settings") == 0)
    field = &self->settings_page;
  else if (g_strcmp0 (page, "profile") == 0)
    field = &self->profile_page;
  else
    return NULL;

  if (*field == NULL)
    *field = create_slot_page (self, page);

  return *field;
}

/* Shows @page, and on a slot page its @subpage ("overview" or
 * "salesforce"; NULL keeps the one shown). Returns the slot page. */
static SlSlotPage *
show_page (SlWindow   *self,
           const char *page,
           const char *subpage)
{
  SlSlotPage *slot_page = ensure_slot_page (self, page);

  if (slot_page != NULL && subpage != NULL)
    sl_slot_page_set_subpage (slot_page, subpage);
  gtk_stack_set_visible_child_name (self->main_stack, page);
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);

  return slot_page;
}

static void
on_sidebar_row_activated (SlWindow      *self,
                          GtkListBoxRow *row)
{
  show_page (self, gtk_widget_get_name (GTK_WIDGET (row)), NULL);
}

static void
go_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  SlWindow *self = SL_WINDOW (widget);
  SlSlotPage *page = get_page_with_subpage (self);

  if (page != NULL)
    {
      sl_slot_page_set_subpage (page, "overview");
      sl_slot_page_focus (page);
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

  sl_slot_page_focus (show_page (self, "profile", "overview"));
}

static void
show_settings_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  SlWindow *self = user_data;

  sl_slot_page_focus (show_page (self, "settings", "overview"));
}

/* The keyboard shortcuts window is built when first asked for rather than
 * with the window, then kept by GtkApplicationWindow, which also lets it
 * show the application's accelerators. */
static void
show_help_overlay_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  GtkApplicationWindow *window = GTK_APPLICATION_WINDOW (user_data);
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr (GtkBuilder) builder =
        gtk_builder_new_from_resource ("/com/supportlogic/Connect/sl-help-overlay.ui");

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      gtk_application_window_set_help_overlay (window, overlay);
    }

  gtk_window_present (GTK_WINDOW (overlay));
}

/* GActions rather than widget actions, so that they are also exported on
 * D-Bus with the window (org.gtk.Actions at the window's object path). */
static const GActionEntry win_actions[] = {
  { .name = "show-cases", .activate = show_cases_activated },
  { .name = "show-profile", .activate = show_profile_activated },
  { .name = "show-settings", .activate = show_settings_activated },
  { .name = "show-help-overlay", .activate = show_help_overlay_activated },
};

/* The menus are built when first opened rather than with the window. */
static void
create_menu_popover (GtkMenuButton *button,
                     gpointer       user_data)
{
  SlWindow *self = user_data;

  gtk_menu_button_set_menu_model (button,
                                  button == self->primary_menu_button
                                  ? self->primary_menu
                                  : self->profile_menu);
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
  SlSlotPage *page = NULL;

  g_return_if_fail (SL_IS_WINDOW (self));

  if (g_strcmp0 (slot, SL_SLOT_INTEGRATION) == 0)
    page = show_page (self, "settings", "salesforce");
  else if (g_strcmp0 (slot, SL_SLOT_USER) == 0)
    page = show_page (self, "profile", "salesforce");

  /* Move the focus too, because it would otherwise stay on the hidden page. */
  if (page != NULL)
    sl_slot_page_focus (page);
}

static void
set_up_connections (SlWindow      *self,
                    SlApplication *app)
{
  self->integration = g_object_ref (sl_application_get_connection (app, SL_SLOT_INTEGRATION));
  self->user = g_object_ref (sl_application_get_connection (app, SL_SLOT_USER));
  sl_cases_page_set_connection (self->cases_page, self->user);
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
  gtk_widget_class_bind_template_child (widget_class, SlWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_button);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, profile_menu);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_main_stack_child_changed);
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
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_menu_popover,
                                         self, NULL);
  gtk_menu_button_set_create_popup_func (self->profile_button, create_menu_popover,
                                         self, NULL);
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
