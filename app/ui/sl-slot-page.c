/* sl-slot-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-integration-page.h"
#include "sl-slot-page.h"

struct _SlSlotPage
{
  AdwBin             parent_instance;

  GtkStack          *stack;
  GtkWidget         *heading_group;
  AdwAvatar         *avatar;
  GtkLabel          *heading_title;
  GtkLabel          *heading_subtitle;
  AdwActionRow      *salesforce_row;
  SlIntegrationPage *integration_page;

  SlConnection      *connection;
};

G_DEFINE_FINAL_TYPE (SlSlotPage, sl_slot_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SUBPAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_salesforce_row (SlSlotPage *self)
{
  SlConnectionState state = sl_connection_get_state (self->connection);
  const char *email = sl_connection_get_email (self->connection);
  g_autofree char *subtitle = NULL;

  if (state == SL_CONNECTION_STATE_CONNECTED && email != NULL)
    /* Translators: the state of a Salesforce connection, %s is an email address. */
    subtitle = g_strdup_printf (_("Connected as %s"), email);
  else
    subtitle = g_strdup (sl_integration_page_describe_connection (self->connection));

  adw_action_row_set_subtitle (self->salesforce_row, subtitle);
}

/* The heading of the User Profile page: the agent's Salesforce email while
 * the slot has an identity. */
static void
update_heading (SlSlotPage *self)
{
  const char *email = sl_connection_get_email (self->connection);
  SlConnectionState state = sl_connection_get_state (self->connection);
  gboolean has_email = email != NULL && state != SL_CONNECTION_STATE_DISCONNECTED;
  const char *subtitle;

  if (has_email || state != SL_CONNECTION_STATE_DISCONNECTED
      || !sl_connection_get_known (self->connection))
    subtitle = sl_integration_page_describe_connection (self->connection);
  else
    subtitle = _("Connect your Salesforce account to write back to cases");

  adw_avatar_set_text (self->avatar, has_email ? email : NULL);
  adw_avatar_set_show_initials (self->avatar, has_email);
  gtk_label_set_text (self->heading_title, has_email ? email : _("User Profile"));
  gtk_label_set_text (self->heading_subtitle, subtitle);
}

static void
on_connection_notify (SlSlotPage *self)
{
  update_salesforce_row (self);
  if (gtk_widget_get_visible (self->heading_group))
    update_heading (self);
}

static void
on_stack_child_changed (SlSlotPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBPAGE]);
}

static void
on_salesforce_row_activated (SlSlotPage *self)
{
  sl_slot_page_set_subpage (self, "salesforce");
  sl_slot_page_focus (self);
}

const char *
sl_slot_page_get_subpage (SlSlotPage *self)
{
  g_return_val_if_fail (SL_IS_SLOT_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
sl_slot_page_set_subpage (SlSlotPage *self,
                          const char *subpage)
{
  g_return_if_fail (SL_IS_SLOT_PAGE (self));
  g_return_if_fail (subpage != NULL);

  gtk_stack_set_visible_child_name (self->stack, subpage);
}

void
sl_slot_page_focus (SlSlotPage *self)
{
  g_return_if_fail (SL_IS_SLOT_PAGE (self));

  if (g_strcmp0 (sl_slot_page_get_subpage (self), "salesforce") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->integration_page));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->salesforce_row));
}

static void
sl_slot_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SlSlotPage *self = SL_SLOT_PAGE (object);

  switch (prop_id)
    {
    case PROP_SUBPAGE:
      g_value_set_string (value, sl_slot_page_get_subpage (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_slot_page_dispose (GObject *object)
{
  SlSlotPage *self = SL_SLOT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_SLOT_PAGE);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (sl_slot_page_parent_class)->dispose (object);
}

static void
sl_slot_page_class_init (SlSlotPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = sl_slot_page_get_property;
  object_class->dispose = sl_slot_page_dispose;

  properties[PROP_SUBPAGE] =
    g_param_spec_string ("subpage", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SL_TYPE_INTEGRATION_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-slot-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, heading_group);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, heading_title);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, heading_subtitle);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, salesforce_row);
  gtk_widget_class_bind_template_child (widget_class, SlSlotPage, integration_page);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_child_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_salesforce_row_activated);
}

static void
sl_slot_page_init (SlSlotPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sl_slot_page_new (SlConnection *connection,
                  gboolean      profile,
                  const char   *description)
{
  SlSlotPage *self;

  g_return_val_if_fail (SL_IS_CONNECTION (connection), NULL);
  g_return_val_if_fail (description != NULL, NULL);

  self = g_object_new (SL_TYPE_SLOT_PAGE, NULL);
  self->connection = g_object_ref (connection);
  gtk_widget_set_visible (self->heading_group, profile);
  sl_integration_page_set_connection (self->integration_page, connection);
  sl_integration_page_set_description (self->integration_page, description);
  g_signal_connect_object (connection, "notify",
                           G_CALLBACK (on_connection_notify), self, G_CONNECT_SWAPPED);
  on_connection_notify (self);

  return GTK_WIDGET (self);
}
