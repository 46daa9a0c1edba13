/* sl-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-integration-page.h"
#include "sl-window.h"

struct _SlWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *content_box;
  AdwWindowTitle       *content_title;
  GtkWidget            *back_button;
  GtkStack             *main_stack;
  GtkStack             *settings_stack;
  AdwActionRow         *salesforce_row;
  SlIntegrationPage    *integration_page;
  SlIntegrationPage    *user_page;

  SlConnection         *integration;
};

G_DEFINE_FINAL_TYPE (SlWindow, sl_window, ADW_TYPE_APPLICATION_WINDOW)

static gboolean
is_showing_subpage (SlWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "settings") == 0
         && g_strcmp0 (gtk_stack_get_visible_child_name (self->settings_stack),
                       "salesforce") == 0;
}

static void
update_header (SlWindow *self)
{
  gboolean subpage = is_showing_subpage (self);
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

static void
on_main_stack_child_changed (SlWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  update_header (self);
}

static void
on_settings_stack_child_changed (SlWindow *self)
{
  update_header (self);
}

static void
show_integration_page (SlWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "settings");
  gtk_stack_set_visible_child_name (self->settings_stack, "salesforce");
  adw_leaflet_set_visible_child (self->leaflet, self->content_box);
}

static void
on_salesforce_row_activated (SlWindow *self)
{
  show_integration_page (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->integration_page));
}

static void
go_back (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  SlWindow *self = SL_WINDOW (widget);

  if (is_showing_subpage (self))
    {
      gtk_stack_set_visible_child_name (self->settings_stack, "overview");
      gtk_widget_grab_focus (GTK_WIDGET (self->salesforce_row));
      return;
    }

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
update_salesforce_row (SlWindow *self)
{
  SlConnectionState state = sl_connection_get_state (self->integration);
  const char *email = sl_connection_get_email (self->integration);
  g_autofree char *subtitle = NULL;

  if (state == SL_CONNECTION_STATE_CONNECTED && email != NULL)
    /* Translators: the state of the Salesforce integration, %s is an email address. */
    subtitle = g_strdup_printf (_("Connected as %s"), email);
  else
    subtitle = g_strdup (sl_integration_page_describe_state (state));

  adw_action_row_set_subtitle (self->salesforce_row, subtitle);
}

static void
on_integration_notify (SlWindow *self)
{
  update_salesforce_row (self);
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
    {
      show_integration_page (self);
      return;
    }

  if (g_strcmp0 (slot, SL_SLOT_USER) == 0)
    {
      gtk_stack_set_visible_child_name (self->main_stack, "profile");
      adw_leaflet_set_visible_child (self->leaflet, self->content_box);
    }
}

static void
set_up_connections (SlWindow      *self,
                    SlApplication *app)
{
  self->integration = g_object_ref (sl_application_get_connection (app, SL_SLOT_INTEGRATION));
  g_signal_connect_object (self->integration, "notify",
                           G_CALLBACK (on_integration_notify), self, G_CONNECT_SWAPPED);
  sl_integration_page_set_connection (self->integration_page, self->integration);
  sl_integration_page_set_connection (self->user_page,
                                      sl_application_get_connection (app, SL_SLOT_USER));
  update_salesforce_row (self);
  update_header (self);
}

static void
sl_window_dispose (GObject *object)
{
  SlWindow *self = SL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_WINDOW);
  g_clear_object (&self->integration);

  G_OBJECT_CLASS (sl_window_parent_class)->dispose (object);
}

static void
bind_template (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, content_box);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, settings_stack);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, salesforce_row);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, integration_page);
  gtk_widget_class_bind_template_child (widget_class, SlWindow, user_page);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_main_stack_child_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_settings_stack_child_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_salesforce_row_activated);
}

static void
sl_window_class_init (SlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sl_window_dispose;

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
