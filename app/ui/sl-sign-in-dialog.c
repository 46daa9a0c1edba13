/* sl-sign-in-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <webkit/webkit.h>

#include "sl-credentials.h"
#include "sl-oauth-callback.h"
#include "sl-sign-in-dialog.h"

struct _SlSignInDialog
{
  AdwWindow       parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkImage       *security_icon;
  AdwWindowTitle *window_title;
  GtkLabel       *purpose_label;
  GtkRevealer    *rejected_revealer;
  GtkStack       *content_stack;
  GtkOverlay     *web_overlay;
  GtkProgressBar *progress_bar;
  AdwStatusPage  *failed_page;
  GtkSpinner     *finishing_spinner;
  GtkActionBar   *browser_bar;
  AdwStatusPage  *browser_page;
  GtkSpinner     *browser_spinner;
  GtkLabel       *browser_error_label;
  GtkEntry       *paste_entry;
  GtkLabel       *paste_error_label;
  GtkLabel       *paste_hint_label;

  WebKitWebView  *web_view;
  GCancellable   *cancellable;
  char           *authorize_uri;
  gboolean        callback_received;
  gboolean        cancelled_emitted;
  gboolean        in_browser;
};

G_DEFINE_FINAL_TYPE (SlSignInDialog, sl_sign_in_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_CALLBACK_RECEIVED,
  SIGNAL_CALLBACK_PASTED,
  SIGNAL_CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_PURPOSE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_loopback_host (const char *host)
{
  return g_strcmp0 (host, "127.0.0.1") == 0
         || g_strcmp0 (host, "::1") == 0
         || g_strcmp0 (host, "[::1]") == 0
         || g_strcmp0 (host, "localhost") == 0;
}

/* Shows the host of @uri as the subtitle, with a lock for https. The query
 * of an authorize or login page is left out of the title bar. */
static void
update_location (SlSignInDialog *self,
                 const char     *uri)
{
  g_autoptr (GUri) parsed = NULL;
  g_autofree char *subtitle = NULL;
  const char *scheme;
  const char *host;

  parsed = uri != NULL ? g_uri_parse (uri, G_URI_FLAGS_NONE, NULL) : NULL;
  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    {
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_widget_set_visible (GTK_WIDGET (self->security_icon), FALSE);
      return;
    }

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    subtitle = g_strdup (host);
  else if (is_loopback_host (host))
    /* Translators: the title bar subtitle for the local stand-in server, %s is its host. */
    subtitle = g_strdup_printf (_("%s — Local test server"), host);
  else
    /* Translators: %s is a host name loaded without encryption. */
    subtitle = g_strdup_printf (_("%s — Not secure"), host);

  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_image_set_from_icon_name (self->security_icon,
                                g_ascii_strcasecmp (scheme, "https") == 0
                                ? "channel-secure-symbolic"
                                : "channel-insecure-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->security_icon), TRUE);
}

static void
show_failure (SlSignInDialog *self,
              const char     *message)
{
  adw_status_page_set_description (self->failed_page, message);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_stack_set_visible_child_name (self->content_stack, "failed");
}

static void
destroy_web_view (SlSignInDialog *self)
{
  if (self->web_view == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->web_view, self);
  webkit_web_view_stop_loading (self->web_view);
  /* Without this the web process outlives its view by an unknown time. */
  webkit_web_view_terminate_web_process (self->web_view);
  gtk_overlay_set_child (self->web_overlay, NULL);
  self->web_view = NULL;
}

static gboolean
destroy_web_view_idle (gpointer user_data)
{
  destroy_web_view (SL_SIGN_IN_DIALOG (user_data));

  return G_SOURCE_REMOVE;
}

gboolean
sl_sign_in_dialog_receive_callback (SlSignInDialog *self,
                                    const char     *uri)
{
  g_return_val_if_fail (SL_IS_SIGN_IN_DIALOG (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  if (self->callback_received)
    return FALSE;

  g_debug ("Sign-in redirect received; closing the login page");
  self->callback_received = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->browser_bar), FALSE);
  gtk_revealer_set_reveal_child (self->rejected_revealer, FALSE);
  gtk_spinner_stop (self->browser_spinner);
  /* A pasted redirect contains the authorization code, so it is cleared. */
  gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), "");
  gtk_spinner_start (self->finishing_spinner);
  gtk_stack_set_visible_child_name (self->content_stack, "finishing");
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_title), FALSE);

  /* Destroying the view lets its web process exit, so nothing of the
   * login session stays alive once the redirect has been captured. This
   * may run inside a signal of the view, so the view goes in an idle. */
  if (self->web_view != NULL)
    g_signal_handlers_disconnect_by_data (self->web_view, self);
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_web_view_idle,
                   g_object_ref (self), g_object_unref);

  g_signal_emit (self, signals[SIGNAL_CALLBACK_RECEIVED], 0, uri);

  return TRUE;
}

gboolean
sl_sign_in_dialog_has_callback (SlSignInDialog *self)
{
  g_return_val_if_fail (SL_IS_SIGN_IN_DIALOG (self), FALSE);

  return self->callback_received;
}

/* Returns TRUE for the navigations a login page needs: http and https,
 * and about:blank or about:srcdoc, which pages use for empty frames. */
static gboolean
is_web_scheme (const char *uri)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);

  if (scheme == NULL)
    return FALSE;

  if (g_ascii_strcasecmp (scheme, "about") == 0)
    return g_strcmp0 (uri, "about:blank") == 0 || g_strcmp0 (uri, "about:srcdoc") == 0;

  return g_ascii_strcasecmp (scheme, "https") == 0
         || g_ascii_strcasecmp (scheme, "http") == 0;
}

static gboolean
decide_navigation (SlSignInDialog               *self,
                   WebKitNavigationPolicyDecision *decision)
{
  WebKitNavigationAction *action;
  WebKitURIRequest *request;
  const char *uri;

  action = webkit_navigation_policy_decision_get_navigation_action (decision);
  request = webkit_navigation_action_get_request (action);
  uri = webkit_uri_request_get_uri (request);

  if (sl_oauth_is_callback_uri (uri))
    {
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      sl_sign_in_dialog_receive_callback (self, uri);
      return TRUE;
    }

  if (!is_web_scheme (uri))
    {
      g_debug ("Blocked a navigation to a scheme other than http, https and about");
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      return TRUE;
    }

  return FALSE;
}

static gboolean
decide_response (SlSignInDialog               *self,
                 WebKitResponsePolicyDecision *decision)
{
  WebKitURIResponse *response;

  if (!webkit_response_policy_decision_is_main_frame_main_resource (decision))
    return FALSE;

  response = webkit_response_policy_decision_get_response (decision);
  gtk_revealer_set_reveal_child (self->rejected_revealer,
                                 webkit_uri_response_get_status_code (response) >= 400);

  if (!webkit_response_policy_decision_is_mime_type_supported (decision))
    {
      g_debug ("Blocked a download from the login page");
      webkit_policy_decision_ignore (WEBKIT_POLICY_DECISION (decision));
      return TRUE;
    }

  return FALSE;
}

static gboolean
on_decide_policy (WebKitWebView            *web_view,
                  WebKitPolicyDecision     *decision,
                  WebKitPolicyDecisionType  type,
                  SlSignInDialog           *self)
{
  switch (type)
    {
    case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
      return decide_navigation (self, WEBKIT_NAVIGATION_POLICY_DECISION (decision));

    case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
      g_debug ("Blocked a request to open a new window");
      webkit_policy_decision_ignore (decision);
      return TRUE;

    case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
      return decide_response (self, WEBKIT_RESPONSE_POLICY_DECISION (decision));

    default:
      return FALSE;
    }
}

static GtkWidget *
on_create (WebKitWebView          *web_view,
           WebKitNavigationAction *action,
           SlSignInDialog         *self)
{
  return NULL;
}

/* Cancels every download before it has a destination, so no file is
 * written. A response policy decision alone misses <a download> links and
 * attachments in subframes, which WebKit turns into downloads itself. */
static void
on_download_started (WebKitNetworkSession *session,
                     WebKitDownload       *download,
                     SlSignInDialog       *self)
{
  g_debug ("Cancelled a download started by the login page");
  webkit_download_cancel (download);
}

/* Marks the location as not secure after a certificate error, so the title
 * bar never shows the lock for a server whose certificate was rejected. */
static void
show_untrusted_location (SlSignInDialog *self,
                         const char     *failing_uri)
{
  g_autoptr (GUri) parsed = g_uri_parse (failing_uri, G_URI_FLAGS_NONE, NULL);
  g_autofree char *subtitle = NULL;

  if (parsed != NULL && g_uri_get_host (parsed) != NULL)
    /* Translators: %s is a host name loaded without encryption. */
    subtitle = g_strdup_printf (_("%s — Not secure"), g_uri_get_host (parsed));

  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  gtk_image_set_from_icon_name (self->security_icon, "channel-insecure-symbolic");
}

static gboolean
on_load_failed_with_tls_errors (WebKitWebView        *web_view,
                                const char           *failing_uri,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                SlSignInDialog       *self)
{
  g_debug ("Login page load stopped by TLS errors (flags 0x%x)", errors);
  webkit_web_view_stop_loading (web_view);
  show_untrusted_location (self, failing_uri);
  show_failure (self, _("The server’s security certificate is not trusted, so the connection "
                        "was stopped. Check the login host and your network."));

  return TRUE;
}

static gboolean
on_load_failed (WebKitWebView   *web_view,
                WebKitLoadEvent  event,
                const char      *failing_uri,
                GError          *error,
                SlSignInDialog  *self)
{
  if (g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED)
      || g_error_matches (error, WEBKIT_POLICY_ERROR,
                          WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  g_debug ("Login page failed to load: %s", error->message);
  show_failure (self, error->message);

  return TRUE;
}

static void
on_load_changed (WebKitWebView   *web_view,
                 WebKitLoadEvent  event,
                 SlSignInDialog  *self)
{
  if (event == WEBKIT_LOAD_STARTED)
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);

  if (event != WEBKIT_LOAD_FINISHED)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  /* With the keyboard focus in the view, typing goes straight into the
   * autofocus field of the login form. */
  if (gtk_stack_get_visible_child (self->content_stack) == GTK_WIDGET (self->web_overlay))
    gtk_widget_grab_focus (GTK_WIDGET (web_view));
}

static void
on_progress_changed (WebKitWebView  *web_view,
                     GParamSpec     *pspec,
                     SlSignInDialog *self)
{
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 webkit_web_view_get_estimated_load_progress (web_view));
}

static void
on_uri_changed (WebKitWebView  *web_view,
                GParamSpec     *pspec,
                SlSignInDialog *self)
{
  const char *uri = webkit_web_view_get_uri (web_view);

  if (uri != NULL && g_str_has_prefix (uri, "http"))
    update_location (self, uri);
}

static void
configure_settings (WebKitWebView *web_view)
{
  WebKitSettings *settings = webkit_web_view_get_settings (web_view);

  webkit_settings_set_enable_developer_extras (settings, FALSE);
  webkit_settings_set_javascript_can_open_windows_automatically (settings, FALSE);
}

static void
create_web_view (SlSignInDialog *self)
{
  g_autoptr (WebKitNetworkSession) session = NULL;
  g_autoptr (WebKitWebContext) context = NULL;

  /* Ephemeral: cookies and caches live in memory only, so no login
   * session survives this dialog. The session keeps the default proxy
   * mode, which follows the system proxy settings. A web context of its
   * own, instead of the default one that lives as long as the app, lets
   * WebKit's helper processes end once the view is gone. */
  session = webkit_network_session_new_ephemeral ();
  context = webkit_web_context_new ();
  self->web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW,
                                 "web-context", context,
                                 "network-session", session,
                                 "vexpand", TRUE,
                                 "hexpand", TRUE,
                                 NULL);
  configure_settings (self->web_view);
  g_signal_connect_object (session, "download-started",
                           G_CALLBACK (on_download_started), self, 0);

  g_signal_connect (self->web_view, "decide-policy", G_CALLBACK (on_decide_policy), self);
  g_signal_connect (self->web_view, "create", G_CALLBACK (on_create), self);
  g_signal_connect (self->web_view, "load-failed-with-tls-errors",
                    G_CALLBACK (on_load_failed_with_tls_errors), self);
  g_signal_connect (self->web_view, "load-failed", G_CALLBACK (on_load_failed), self);
  g_signal_connect (self->web_view, "load-changed", G_CALLBACK (on_load_changed), self);
  g_signal_connect (self->web_view, "notify::estimated-load-progress",
                    G_CALLBACK (on_progress_changed), self);
  g_signal_connect (self->web_view, "notify::uri", G_CALLBACK (on_uri_changed), self);

  gtk_overlay_set_child (self->web_overlay, GTK_WIDGET (self->web_view));
}

static void
load_authorize_uri (SlSignInDialog *self)
{
  gtk_revealer_set_reveal_child (self->rejected_revealer, FALSE);
  gtk_stack_set_visible_child_name (self->content_stack, "web");
  update_location (self, self->authorize_uri);
  webkit_web_view_load_uri (self->web_view, self->authorize_uri);
}

static void
on_retry_clicked (SlSignInDialog *self)
{
  if (self->web_view == NULL)
    return;

  load_authorize_uri (self);
}

/* ---- sign-in in the system browser ------------------------------------ */

static char *
get_login_host (SlSignInDialog *self)
{
  g_autoptr (GUri) parsed = g_uri_parse (self->authorize_uri, G_URI_FLAGS_NONE, NULL);

  if (parsed == NULL || g_uri_get_host (parsed) == NULL)
    return g_strdup ("Salesforce");

  return g_strdup (g_uri_get_host (parsed));
}

static void
show_browser_error (SlSignInDialog *self,
                    const char     *reason)
{
  g_autofree char *host = get_login_host (self);
  g_autofree char *description = NULL;
  g_autofree char *text = NULL;

  /* Translators: %s is the host of the login page, such as login.salesforce.com. */
  description = g_strdup_printf (_("Open the sign-in page of %s in a web browser with the "
                                   "link below."), host);
  adw_status_page_set_description (self->browser_page, description);

  /* Translators: %s is the reason given by the system, on a line of its own. */
  text = g_strdup_printf (_("Your web browser could not be opened. Copy the link and open it "
                            "in a browser yourself.\n%s"), reason);
  gtk_label_set_text (self->browser_error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->browser_error_label), TRUE);
  gtk_spinner_stop (self->browser_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->browser_spinner), FALSE);
}

static void
on_browser_launched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr (SlSignInDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_debug ("Opened the sign-in page in the default browser");
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_warning ("Could not open the sign-in page in the default browser: %s", error->message);
  show_browser_error (self, error->message);
}

static void
open_in_browser (SlSignInDialog *self)
{
  g_autoptr (GdkAppLaunchContext) context = NULL;

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (self->authorize_uri, G_APP_LAUNCH_CONTEXT (context),
                                           self->cancellable, on_browser_launched,
                                           g_object_ref (self));
}

static void
show_browser_page (SlSignInDialog *self)
{
  g_autofree char *host = get_login_host (self);
  g_autofree char *description = NULL;

  /* Translators: %s is the host of the login page, such as login.salesforce.com. */
  description = g_strdup_printf (_("The sign-in page of %s is open in your web browser. Sign in "
                                   "there, and the browser returns you to this app."), host);
  adw_status_page_set_description (self->browser_page, description);

  update_location (self, self->authorize_uri);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->browser_bar), FALSE);
  gtk_revealer_set_reveal_child (self->rejected_revealer, FALSE);
  gtk_spinner_start (self->browser_spinner);
  gtk_stack_set_visible_child_name (self->content_stack, "browser");
  gtk_widget_grab_focus (GTK_WIDGET (self->paste_entry));
}

/* Moves this sign-in to the default browser with the same authorize URI,
 * so the state and PKCE challenge of the attempt stay the ones the flow
 * checks. The embedded page is no longer needed: destroying the view
 * ends its web process and its ephemeral session. */
static void
use_browser_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (widget);

  if (self->in_browser || self->callback_received)
    return;

  g_debug ("Continuing the sign-in in the default browser");
  self->in_browser = TRUE;
  gtk_widget_action_set_enabled (widget, "sign-in.use-browser", FALSE);
  destroy_web_view (self);
  show_browser_page (self);
  open_in_browser (self);
}

/* The authorize URI contains the state and the PKCE challenge but never
 * the verifier, so it is safe to hand to another program. */
static void
copy_link_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (widget);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->authorize_uri);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Link copied")));
}

/* The pasted text may hold an authorization code, so it is wiped after
 * the signal handlers have checked it. */
static void
continue_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (widget);
  char *text;

  if (self->callback_received)
    return;

  text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->paste_entry))));
  if (text[0] == '\0')
    sl_sign_in_dialog_reject_pasted (self, _("Paste the address from your browser’s address "
                                             "bar first."));
  else
    g_signal_emit (self, signals[SIGNAL_CALLBACK_PASTED], 0, text);

  sl_secure_free (text);
}

static void
on_paste_entry_activate (SlSignInDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.continue", NULL);
}

static void
on_paste_entry_changed (SlSignInDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->paste_entry), "error");
  gtk_accessible_reset_state (GTK_ACCESSIBLE (self->paste_entry), GTK_ACCESSIBLE_STATE_INVALID);
}

void
sl_sign_in_dialog_reject_pasted (SlSignInDialog *self,
                                 const char     *reason)
{
  g_return_if_fail (SL_IS_SIGN_IN_DIALOG (self));
  g_return_if_fail (reason != NULL);

  gtk_label_set_text (self->paste_error_label, reason);
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->paste_entry), "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->paste_entry),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  gtk_widget_grab_focus (GTK_WIDGET (self->paste_entry));
}

/* ---- life cycle -------------------------------------------------------- */

static gboolean
sl_sign_in_dialog_close_request (GtkWindow *window)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (window);

  /* Also while the redirect is being completed ("Finishing sign-in…"):
   * closing then must stop the token exchange, or the slot would still be
   * connected after the user closed the dialog. */
  if (!self->cancelled_emitted)
    {
      self->cancelled_emitted = TRUE;
      g_cancellable_cancel (self->cancellable);
      destroy_web_view (self);
      g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
    }

  return GTK_WINDOW_CLASS (sl_sign_in_dialog_parent_class)->close_request (window);
}

static void
sl_sign_in_dialog_dispose (GObject *object)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  destroy_web_view (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SL_TYPE_SIGN_IN_DIALOG);

  G_OBJECT_CLASS (sl_sign_in_dialog_parent_class)->dispose (object);
}

static void
sl_sign_in_dialog_finalize (GObject *object)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (object);

  g_clear_pointer (&self->authorize_uri, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sl_sign_in_dialog_parent_class)->finalize (object);
}

static void
install_signals (GObjectClass *object_class)
{
  signals[SIGNAL_CALLBACK_RECEIVED] =
    g_signal_new ("callback-received",
                  G_TYPE_FROM_CLASS (object_class),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[SIGNAL_CALLBACK_PASTED] =
    g_signal_new ("callback-pasted",
                  G_TYPE_FROM_CLASS (object_class),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[SIGNAL_CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (object_class),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

/* Shows "purpose", the connection the sign-in is for, above the page. */
static void
set_purpose (SlSignInDialog *self,
             const char     *purpose)
{
  if (g_strcmp0 (gtk_label_get_text (self->purpose_label), purpose != NULL ? purpose : "") == 0)
    return;

  gtk_label_set_text (self->purpose_label, purpose != NULL ? purpose : "");
  gtk_widget_set_visible (GTK_WIDGET (self->purpose_label), purpose != NULL && *purpose != '\0');
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PURPOSE]);
}

static void
sl_sign_in_dialog_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PURPOSE:
      g_value_set_string (value, gtk_label_get_text (self->purpose_label));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_sign_in_dialog_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SlSignInDialog *self = SL_SIGN_IN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_PURPOSE:
      set_purpose (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sl_sign_in_dialog_class_init (SlSignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sl_sign_in_dialog_dispose;
  object_class->finalize = sl_sign_in_dialog_finalize;
  object_class->get_property = sl_sign_in_dialog_get_property;
  object_class->set_property = sl_sign_in_dialog_set_property;
  window_class->close_request = sl_sign_in_dialog_close_request;

  install_signals (object_class);
  properties[PROP_PURPOSE] =
    g_param_spec_string ("purpose", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/supportlogic/Connect/sl-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, security_icon);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, purpose_label);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, rejected_revealer);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, web_overlay);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, failed_page);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, finishing_spinner);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, browser_bar);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, browser_page);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, browser_spinner);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, browser_error_label);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, paste_entry);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, paste_error_label);
  gtk_widget_class_bind_template_child (widget_class, SlSignInDialog, paste_hint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_paste_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_paste_entry_changed);

  gtk_widget_class_install_action (widget_class, "sign-in.use-browser", NULL,
                                   use_browser_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.copy-link", NULL, copy_link_activated);
  gtk_widget_class_install_action (widget_class, "sign-in.continue", NULL, continue_activated);
}

static void
add_escape_shortcut (SlSignInDialog *self)
{
  GtkEventController *controller;
  GtkShortcut *shortcut;

  /* Capture phase, so Escape closes the dialog even while the web view,
   * which would otherwise consume the key, has the focus. */
  controller = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                               gtk_named_action_new ("window.close"));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcut);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
sl_sign_in_dialog_init (SlSignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->paste_entry),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                  self->paste_error_label, self->paste_hint_label, NULL,
                                  -1);
  add_escape_shortcut (self);
  create_web_view (self);
}

SlSignInDialog *
sl_sign_in_dialog_new (GtkWindow  *parent,
                       const char *authorize_uri)
{
  SlSignInDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (authorize_uri != NULL, NULL);

  self = g_object_new (SL_TYPE_SIGN_IN_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->authorize_uri = g_strdup (authorize_uri);
  load_authorize_uri (self);

  return self;
}
