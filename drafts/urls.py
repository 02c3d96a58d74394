app_name = "drafts"
urlpatterns: list = []
