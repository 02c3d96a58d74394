from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("", views.followup_list, name="followup_list"),
    path("<int:pk>/", views.followup_detail, name="followup_detail"),
    path("<int:pk>/done/", views.followup_done, name="followup_done"),
    path("<int:pk>/snooze/", views.followup_snooze, name="followup_snooze"),
    path("<int:pk>/skip/", views.followup_skip, name="followup_skip"),
    # Today's "Follow up" on an application gone quiet.
    path("check-in/<int:application_id>/", views.application_check_in, name="check_in"),
    path("<int:pk>/undo/", views.followup_undo, name="followup_undo"),
    # Links from reminder emails: they work without a session, on the strength of the token.
    path("link/<int:pk>/<slug:action>/<str:token>/", views.signed_action, name="signed_action"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
