/* sl-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sl-oauth-config.h"
#include "sl-oauth-error.h"
#include "sl-preferences-window.h"

#define PRODUCTION_HOST "https://login.salesforce.com"
#define SANDBOX_HOST    "https://test.salesforce.com"

/* Maximum number of characters of a rejected value quoted in a message. */
#define MAX_QUOTED_CHARS 40

/* Positions of the choices in the login server row's model. */
enum
{
  HOST_PRODUCTION,
  HOST_SANDBOX,
  HOST_CUSTOM,
};

struct _SlPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesGroup  *warning_group;
  AdwComboRow          *login_host_row;
  AdwEntryRow          *custom_host_row;
  GtkLabel             *custom_host_message;
  AdwEntryRow          *client_id_row;
  GtkLabel             *client_id_message;
  AdwEntryRow          *api_version_row;
  GtkLabel             *api_version_message;
  AdwActionRow         *timeout_row;
  GtkSpinButton        *timeout_spin;
  GtkAdjustment        *timeout_adjustment;

  GSettings            *settings;
  SlConnection         *integration;
  SlConnection         *user;
  /* TRUE while the widgets are filled from the settings, so that their
   * change handlers do not write the same values back. */
  gboolean              syncing;
};

G_DEFINE_FINAL_TYPE (SlPreferencesWindow, sl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_INTEGRATION,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ----------------------------------------------------------- */

static const char *
locked_text (void)
{
  return _("Set by your administrator");
}

static void
set_css_class (GtkWidget  *widget,
               const char *css_class,
               gboolean    enabled)
{
  if (enabled)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

/* Shows @text below @row, in the error style when @is_error, and gives it
 * to screen readers as the row's description. NULL hides the message. */
static void
show_message (AdwEntryRow *row,
              GtkLabel    *label,
              const char  *text,
              gboolean     is_error)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
  set_css_class (GTK_WIDGET (label), "error", is_error);
  set_css_class (GTK_WIDGET (label), "dim-label", text != NULL && !is_error);
  set_css_class (GTK_WIDGET (row), "error", is_error);

  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               is_error ? GTK_ACCESSIBLE_INVALID_TRUE
                                        : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static char *
dup_stripped_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

/* Replaces the text of @row with @value, unless the text already means
 * @value, so that the cursor stays where the user is typing. */
static void
set_entry_text (SlPreferencesWindow *self,
                AdwEntryRow         *row,
                const char          *value,
                const char          *current_meaning)
{
  if (g_strcmp0 (current_meaning, value) == 0)
    return;

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (row), value);
  self->syncing = FALSE;
}

static gboolean
is_active (SlConnection *connection)
{
  SlConnectionState state;

  if (connection == NULL)
    return FALSE;

  state = sl_connection_get_state (connection);

  return state == SL_CONNECTION_STATE_CONNECTED || state == SL_CONNECTION_STATE_NEEDS_REAUTH;
}

/* Writes @value to @key when it differs from the stored value. A new login
 * server or consumer key does not end existing sessions, which the warning
 * explains when an account is connected. */
static void
write_string (SlPreferencesWindow *self,
              const char          *key,
              const char          *value)
{
  g_autofree char *current = g_settings_get_string (self->settings, key);

  if (g_strcmp0 (current, value) == 0)
    return;

  if (!g_settings_set_string (self->settings, key, value))
    {
      g_debug ("Setting %s was not written because it is not writable", key);
      return;
    }

  g_debug ("Setting %s changed in Preferences", key);
  if (g_str_equal (key, "login-host") || g_str_equal (key, "client-id"))
    {
      if (is_active (self->integration) || is_active (self->user))
        gtk_widget_set_visible (GTK_WIDGET (self->warning_group), TRUE);
    }
}

/* ---- login server ------------------------------------------------------ */

static const char *
host_for_choice (guint choice)
{
  switch (choice)
    {
    case HOST_PRODUCTION:
      return PRODUCTION_HOST;
    case HOST_SANDBOX:
      return SANDBOX_HOST;
    default:
      return NULL;
    }
}

static guint
choice_for_host (const char *host)
{
  g_autofree char *normalized = sl_oauth_normalize_login_host (host, NULL);

  if (g_strcmp0 (normalized, PRODUCTION_HOST) == 0)
    return HOST_PRODUCTION;
  if (g_strcmp0 (normalized, SANDBOX_HOST) == 0)
    return HOST_SANDBOX;

  return HOST_CUSTOM;
}

/* Validates the custom URL and shows why it is rejected. Returns the URL in
 * its normalised form, or NULL. */
static char *
check_custom_host (SlPreferencesWindow *self)
{
  g_autofree char *text = dup_stripped_text (self->custom_host_row);
  g_autoptr (GError) error = NULL;
  char *host;

  host = sl_oauth_normalize_login_host (text, &error);
  show_message (self->custom_host_row, self->custom_host_message,
                host == NULL ? error->message : NULL, host == NULL);

  return host;
}

static void
apply_custom_host (SlPreferencesWindow *self)
{
  g_autofree char *host = check_custom_host (self);

  if (host != NULL)
    write_string (self, "login-host", host);
}

/* Typing only checks the URL: it is saved when the user applies it with
 * Enter or the apply button, so a half-typed URL that happens to be valid,
 * such as "https://my", never replaces the setting. */
static void
on_custom_host_changed (SlPreferencesWindow *self)
{
  if (!self->syncing)
    g_free (check_custom_host (self));
}

static void
on_custom_host_applied (SlPreferencesWindow *self)
{
  if (!self->syncing)
    apply_custom_host (self);
}

static void
on_login_host_selected (SlPreferencesWindow *self)
{
  guint choice = adw_combo_row_get_selected (self->login_host_row);

  if (self->syncing)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->custom_host_row), choice == HOST_CUSTOM);
  if (choice == HOST_CUSTOM)
    {
      apply_custom_host (self);
      return;
    }

  show_message (self->custom_host_row, self->custom_host_message, NULL, FALSE);
  write_string (self, "login-host", host_for_choice (choice));
}

static void
sync_login_host (SlPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "login-host");
  g_autofree char *typed_text = NULL;
  g_autofree char *typed_host = NULL;
  guint choice = choice_for_host (value);

  self->syncing = TRUE;
  adw_combo_row_set_selected (self->login_host_row, choice);
  self->syncing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->custom_host_row), choice == HOST_CUSTOM);

  if (choice != HOST_CUSTOM)
    {
      show_message (self->custom_host_row, self->custom_host_message, NULL, FALSE);
      return;
    }

  typed_text = dup_stripped_text (self->custom_host_row);
  typed_host = sl_oauth_normalize_login_host (typed_text, NULL);
  set_entry_text (self, self->custom_host_row, value, typed_host);
  /* A value written elsewhere may be invalid, so its reason is shown and
   * the value is kept. */
  g_free (check_custom_host (self));
}

/* ---- consumer key ------------------------------------------------------ */

/* Validates the consumer key and shows why it is rejected. Returns the key
 * without surrounding white space, or NULL. */
static char *
check_client_id (SlPreferencesWindow *self)
{
  g_autofree char *client_id = dup_stripped_text (self->client_id_row);
  g_autoptr (SlOAuthConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  /* The fixed host is valid, so any error is about the consumer key. */
  config = sl_oauth_config_new (PRODUCTION_HOST, client_id, &error);
  show_message (self->client_id_row, self->client_id_message,
                config == NULL ? error->message : NULL, config == NULL);

  return config != NULL ? g_steal_pointer (&client_id) : NULL;
}

static void
on_client_id_changed (SlPreferencesWindow *self)
{
  if (!self->syncing)
    g_free (check_client_id (self));
}

static void
on_client_id_applied (SlPreferencesWindow *self)
{
  g_autofree char *client_id = NULL;

  if (self->syncing)
    return;

  client_id = check_client_id (self);
  if (client_id != NULL)
    write_string (self, "client-id", client_id);
}

static void
sync_client_id (SlPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "client-id");
  g_autofree char *typed = dup_stripped_text (self->client_id_row);

  set_entry_text (self, self->client_id_row, value, typed);
  g_free (check_client_id (self));
}

/* ---- API version ------------------------------------------------------- */

/* Accepts digits, a dot and digits, such as "62.0". */
static gboolean
is_valid_api_version (const char *text)
{
  const char *p = text;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;

  if (*p != '.' || !g_ascii_isdigit (p[1]))
    return FALSE;
  p++;
  while (g_ascii_isdigit (*p))
    p++;

  return *p == '\0';
}

static char *
describe_invalid_api_version (const char *text)
{
  g_autofree char *quoted = NULL;

  if (text[0] == '\0')
    return g_strdup (_("The API version is empty. Enter a version such as 62.0."));

  quoted = sl_oauth_sanitize_server_text (text, MAX_QUOTED_CHARS);
  /* Translators: %s is the text typed as the Salesforce REST API version. */
  return g_strdup_printf (_("The API version “%s” is invalid. Enter digits, a dot and "
                            "digits, such as 62.0."), quoted);
}

/* Validates the API version and shows why it is rejected. Returns the
 * version without surrounding white space, or NULL. */
static char *
check_api_version (SlPreferencesWindow *self)
{
  g_autofree char *version = dup_stripped_text (self->api_version_row);
  g_autofree char *message = NULL;

  if (!is_valid_api_version (version))
    message = describe_invalid_api_version (version);
  show_message (self->api_version_row, self->api_version_message, message, message != NULL);

  return message == NULL ? g_steal_pointer (&version) : NULL;
}

static void
on_api_version_changed (SlPreferencesWindow *self)
{
  if (!self->syncing)
    g_free (check_api_version (self));
}

static void
on_api_version_applied (SlPreferencesWindow *self)
{
  g_autofree char *version = NULL;

  if (self->syncing)
    return;

  version = check_api_version (self);
  if (version != NULL)
    write_string (self, "api-version", version);
}

static void
sync_api_version (SlPreferencesWindow *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "api-version");
  g_autofree char *typed = dup_stripped_text (self->api_version_row);

  set_entry_text (self, self->api_version_row, value, typed);
  g_free (check_api_version (self));
}

/* ---- network timeout --------------------------------------------------- */

static void
on_timeout_changed (SlPreferencesWindow *self)
{
  guint seconds = (guint) gtk_spin_button_get_value_as_int (self->timeout_spin);

  if (self->syncing || seconds == g_settings_get_uint (self->settings, "network-timeout"))
    return;

  if (!g_settings_set_uint (self->settings, "network-timeout", seconds))
    g_debug ("Setting network-timeout was not written because it is not writable");
}

static void
sync_timeout (SlPreferencesWindow *self)
{
  self->syncing = TRUE;
  gtk_adjustment_set_value (self->timeout_adjustment,
                            g_settings_get_uint (self->settings, "network-timeout"));
  self->syncing = FALSE;
}

/* Limits the spin button to the key's range in the schema. */
static void
apply_timeout_range (SlPreferencesWindow *self)
{
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsSchemaKey) key = NULL;
  g_autoptr (GVariant) range = NULL;
  g_autoptr (GVariant) limits = NULL;
  const char *kind;
  guint32 lower, upper;

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  key = g_settings_schema_get_key (schema, "network-timeout");
  range = g_settings_schema_key_get_range (key);
  g_variant_get (range, "(&sv)", &kind, &limits);
  if (!g_str_equal (kind, "range"))
    return;

  g_variant_get (limits, "(uu)", &lower, &upper);
  gtk_adjustment_set_lower (self->timeout_adjustment, lower);
  gtk_adjustment_set_upper (self->timeout_adjustment, upper);
}

/* ---- lockdown ---------------------------------------------------------- */

static gboolean
is_writable (SlPreferencesWindow *self,
             const char          *key)
{
  return g_settings_is_writable (self->settings, key);
}

/* Entry rows have no subtitle, so a locked one shows the lock note in its
 * message label instead. */
static void
update_entry_lock (SlPreferencesWindow *self,
                   const char          *key,
                   AdwEntryRow         *row,
                   GtkLabel            *label,
                   char *             (*check) (SlPreferencesWindow *self))
{
  gboolean writable = is_writable (self, key);

  gtk_widget_set_sensitive (GTK_WIDGET (row), writable);
  if (writable)
    g_free (check (self));
  else
    show_message (row, label, locked_text (), FALSE);
}

static void
update_lockdown (SlPreferencesWindow *self)
{
  gboolean host_writable = is_writable (self, "login-host");
  gboolean timeout_writable = is_writable (self, "network-timeout");

  gtk_widget_set_sensitive (GTK_WIDGET (self->login_host_row), host_writable);
  gtk_widget_set_sensitive (GTK_WIDGET (self->custom_host_row), host_writable);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->login_host_row),
                               host_writable ? "" : locked_text ());

  gtk_widget_set_sensitive (GTK_WIDGET (self->timeout_row), timeout_writable);
  adw_action_row_set_subtitle (self->timeout_row,
                               timeout_writable
                               ? _("How long to wait for Salesforce to answer a request")
                               : locked_text ());

  update_entry_lock (self, "client-id", self->client_id_row, self->client_id_message,
                     check_client_id);
  update_entry_lock (self, "api-version", self->api_version_row, self->api_version_message,
                     check_api_version);
}

/* ---- settings signals -------------------------------------------------- */

static void
on_setting_changed (SlPreferencesWindow *self,
                    const char          *key)
{
  if (g_str_equal (key, "login-host"))
    sync_login_host (self);
  else if (g_str_equal (key, "client-id"))
    sync_client_id (self);
  else if (g_str_equal (key, "api-version"))
    sync_api_version (self);
  else if (g_str_equal (key, "network-timeout"))
    sync_timeout (self);

  /* A value check above may have replaced a "Set by your administrator"
   * message, so the lock state is shown again. */
  update_lockdown (self);
}

static void
on_writable_changed (SlPreferencesWindow *self,
                     const char          *key)
{
  g_debug ("Writability of setting %s changed", key);
  update_lockdown (self);
}

/* ---- GObject ----------------------------------------------------------- */

static void
sl_preferences_window_constructed (GObject *object)
{
  SlPreferencesWindow *self = SL_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (sl_preferences_window_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));

  apply_timeout_range (self);
  sync_login_host (self);
  sync_client_id (self);
  sync_api_version (self);
  sync_timeout (self);
  update_lockdown (self);

  g_signal_connect_swapped (self->settings, "changed",
                            G_CALLBACK (on_setting_changed), self);
  g_signal_connect_swapped (self->settings, "writable-changed",
                            G_CALLBACK (on_writable_changed), self);
}

static void
sl_preferences_window_dispose (GObject *object)
{
  SlPreferencesWindow *self = SL_PREFERENCES_WINDOW (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_object (&self->integration);
  g_clear_object (&self->user);
  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (sl_preferences_window_parent_class)->dispose (object);
}

static void
sl_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SlPreferencesWindow *self = SL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_INTEGRATION:
      g_value_set_object (value, self->integration);
      break;

    case PROP_USER:
      g_value_set_object (value, self->user);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SlPreferencesWindow *self = SL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_INTEGRATION:
      self->integration = g_value_dup_object (value);
      break;

    case PROP_USER:
      self->user = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                      | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS, flags);
  properties[PROP_INTEGRATION] =
    g_param_spec_object ("integration", NULL, NULL, SL_TYPE_CONNECTION, flags);
  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, SL_TYPE_CONNECTION, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, warning_group);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, login_host_row);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, custom_host_row);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, custom_host_message);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, client_id_message);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, api_version_row);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, api_version_message);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, timeout_row);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, timeout_spin);
  gtk_widget_class_bind_template_child (widget_class, SlPreferencesWindow, timeout_adjustment);

  gtk_widget_class_bind_template_callback (widget_class, on_login_host_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_custom_host_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_custom_host_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_client_id_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_client_id_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_api_version_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_api_version_applied);
  gtk_widget_class_bind_template_callback (widget_class, on_timeout_changed);
}

static void
sl_preferences_window_class_init (SlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sl_preferences_window_constructed;
  object_class->dispose = sl_preferences_window_dispose;
  object_class->get_property = sl_preferences_window_get_property;
  object_class->set_property = sl_preferences_window_set_property;

  install_properties (object_class);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/"
                                               "sl-preferences-window.ui");
  bind_children (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sl_preferences_window_init (SlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sl_preferences_window_new (GtkWindow    *parent,
                           GSettings    *settings,
                           SlConnection *integration,
                           SlConnection *user)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (integration == NULL || SL_IS_CONNECTION (integration), NULL);
  g_return_val_if_fail (user == NULL || SL_IS_CONNECTION (user), NULL);

  return g_object_new (SL_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "settings", settings,
                       "integration", integration,
                       "user", user,
                       NULL);
}
