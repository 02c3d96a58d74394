from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("add/", views.channel_create, name="channel_create"),
    path("<int:pk>/", views.channel_edit, name="channel_edit"),
    path("<int:pk>/toggle/", views.channel_toggle, name="channel_toggle"),
    path("<int:pk>/test/", views.channel_test, name="channel_test"),
    path("<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("email/toggle/", views.email_toggle, name="email_toggle"),
    path("email/test/", views.email_test, name="email_test"),
]
