"""Pages for applications, interviews, contacts, the feedback log and the question bank.

Every object is fetched through core.lookups.get_owned_or_404, so another user's id is a 404.
Writes that touch the status or an interview go through applications.services; the views only
validate and redirect.
"""

# One module per feature; the names applications/urls.py uses are re-exported here.
from applications.views.applications import (
    application_create,
    application_delete,
    application_detail,
    application_list,
    application_status,
    application_update,
)
from applications.views.board import board, board_move
from applications.views.contacts import (
    contact_create,
    contact_delete,
    contact_detail,
    contact_list,
    contact_update,
)
from applications.views.dashboard import application_no_response, dashboard
from applications.views.documents import document_create, document_delete, document_download
from applications.views.feedback import feedback_create, feedback_delete, feedback_update
from applications.views.interviews import (
    application_interview_create,
    interview_cancel,
    interview_cancel_undo,
    interview_create,
    interview_delete,
    interview_detail,
    interview_list,
    interview_update,
    prep_item_create,
    prep_item_delete,
)
from applications.views.postings import (
    bookmarklet,
    posting_fetch,
    posting_fetch_status,
    posting_from_page,
    posting_from_url,
)
from applications.views.question_bank import (
    bank_question_delete,
    bank_question_move,
    bank_question_update,
    question_bank,
)

__all__ = [
    "application_create",
    "application_delete",
    "application_detail",
    "application_interview_create",
    "application_list",
    "application_no_response",
    "application_status",
    "application_update",
    "bank_question_delete",
    "bank_question_move",
    "bank_question_update",
    "board",
    "board_move",
    "bookmarklet",
    "contact_create",
    "contact_delete",
    "contact_detail",
    "contact_list",
    "contact_update",
    "dashboard",
    "document_create",
    "document_delete",
    "document_download",
    "feedback_create",
    "feedback_delete",
    "feedback_update",
    "interview_cancel",
    "interview_cancel_undo",
    "interview_create",
    "interview_delete",
    "interview_detail",
    "interview_list",
    "interview_update",
    "posting_fetch",
    "posting_fetch_status",
    "posting_from_page",
    "posting_from_url",
    "prep_item_create",
    "prep_item_delete",
    "question_bank",
]
