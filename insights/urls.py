from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.insights, name="index"),
    path("report/", views.job_search_report, name="report"),
    path("report/csv/", views.job_search_report_csv, name="report_csv"),
    path("report/pdf/", views.job_search_report_pdf, name="report_pdf"),
]
