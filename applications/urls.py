from django.urls import path

from applications import views

app_name = "applications"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Board
    path("board/", views.board, name="board"),
    path("board/<int:pk>/move/", views.board_move, name="board_move"),
    # Applications
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    # Capturing a posting (applications.views.postings)
    path("applications/new/from-url/", views.posting_from_url, name="posting_from_url"),
    path("applications/new/from-url/<slug:token>/", views.posting_fetch, name="posting_fetch"),
    path(
        "applications/new/from-url/<slug:token>/status/",
        views.posting_fetch_status,
        name="posting_fetch_status",
    ),
    path("applications/new/from-page/", views.posting_from_page, name="posting_from_page"),
    path("applications/save-from-browser/", views.bookmarklet, name="bookmarklet"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_update, name="application_update"),
    path("applications/<int:pk>/delete/", views.application_delete, name="application_delete"),
    path("applications/<int:pk>/status/", views.application_status, name="application_status"),
    # Today's "Mark no response" on an application gone quiet.
    path(
        "applications/<int:pk>/no-response/",
        views.application_no_response,
        name="application_no_response",
    ),
    path(
        "applications/<int:pk>/interviews/new/",
        views.application_interview_create,
        name="application_interview_create",
    ),
    path("applications/<int:pk>/feedback/new/", views.feedback_create, name="feedback_create"),
    path("applications/<int:pk>/documents/new/", views.document_create, name="document_create"),
    # Documents: served to their owner through this view only, never from a public URL.
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    # Feedback log
    path("feedback/<int:pk>/edit/", views.feedback_update, name="feedback_update"),
    path("feedback/<int:pk>/delete/", views.feedback_delete, name="feedback_delete"),
    # Interviews
    path("interviews/", views.interview_list, name="interview_list"),
    path("interviews/new/", views.interview_create, name="interview_create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/edit/", views.interview_update, name="interview_update"),
    path("interviews/<int:pk>/cancel/", views.interview_cancel, name="interview_cancel"),
    path(
        "interviews/<int:pk>/cancel/undo/",
        views.interview_cancel_undo,
        name="interview_cancel_undo",
    ),
    path("interviews/<int:pk>/delete/", views.interview_delete, name="interview_delete"),
    path("interviews/<int:pk>/questions/new/", views.prep_item_create, name="prep_item_create"),
    path("questions/<int:pk>/delete/", views.prep_item_delete, name="prep_item_delete"),
    # Contacts
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_update, name="contact_update"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    # Question bank
    path("question-bank/", views.question_bank, name="question_bank"),
    path("question-bank/<int:pk>/edit/", views.bank_question_update, name="bank_question_update"),
    path("question-bank/<int:pk>/delete/", views.bank_question_delete, name="bank_question_delete"),
    path("question-bank/<int:pk>/move/", views.bank_question_move, name="bank_question_move"),
]
