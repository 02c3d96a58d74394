from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("applications/", views.dashboard, name="application_list"),
    path("interviews/", views.dashboard, name="interview_list"),
    path("contacts/", views.dashboard, name="contact_list"),
]
