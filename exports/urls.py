from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("", views.index, name="index"),
    path("applications.csv", views.applications_csv, name="applications_csv"),
    path("status-history.csv", views.history_csv, name="history_csv"),
    path("export.json", views.account_json, name="account_json"),
    path("export.zip", views.account_zip, name="account_zip"),
    path("interviews/<int:pk>/calendar.ics", views.interview_ics, name="interview_ics"),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/regenerate/", views.calendar_feed_regenerate, name="calendar_feed_regenerate"),
    path("calendar/revoke/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
    path("import/csv/", views.import_csv, name="import_csv"),
    path("import/csv/columns/", views.import_csv_map, name="import_csv_map"),
    path("import/csv/confirm/", views.import_csv_confirm, name="import_csv_confirm"),
    path("import/csv/cancel/", views.import_csv_cancel, name="import_csv_cancel"),
    path("import/json/", views.import_json, name="import_json"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/status.json", views.import_job_status, name="import_job_status"),
]
