from django.urls import path

from webpush import views

app_name = "webpush"
urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("<int:pk>/remove/", views.remove, name="remove"),
    path("<int:pk>/test/", views.send_test, name="send_test"),
]
