from django.urls import path

from drafts import views

app_name = "drafts"
urlpatterns = [
    path("", views.draft_list, name="list"),
    path("export.zip", views.export_zip, name="export_zip"),
    path("new/", views.draft_new, name="new"),
    path("generate/", views.draft_generate, name="generate"),
    # The "draft" link of a reminder email (followups.links.draft_url).
    path("for-followup/<int:followup_id>/", views.draft_for_followup, name="for_followup"),
    path("<int:pk>/", views.draft_detail, name="detail"),
    path("<int:pk>/regenerate/", views.draft_regenerate, name="regenerate"),
    path("<int:pk>/delete/", views.draft_delete, name="delete"),
    path("<int:pk>/mark-sent/", views.draft_mark_sent, name="mark_sent"),
    path("<int:pk>/print/", views.draft_print, name="print"),
    path("<int:pk>/export.eml", views.export_eml, name="export_eml"),
    path("<int:pk>/export.txt", views.export_txt, name="export_txt"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<slug:kind>/<slug:language>/", views.template_edit, name="template_edit"),
    path(
        "templates/<slug:kind>/<slug:language>/reset/",
        views.template_reset,
        name="template_reset",
    ),
]
