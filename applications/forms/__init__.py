"""Forms for applications, interviews, contacts, the feedback log and the question bank.

Every choice of another row (an application, a contact) is limited to the user's own rows, so an
id of someone else's row is a form error and never becomes a link.
"""

# One module per feature; every public name is re-exported here.
from applications.forms._common import (
    DateInput,
    DateTimeLocalInput,
    DurationInput,
    OwnedModelForm,
    SearchInput,
    form_helper,
    limit_help,
)
from applications.forms.applications import (
    CURRENCY_RE,
    ApplicationForm,
    StatusForm,
)
from applications.forms.contacts import ContactForm
from applications.forms.documents import DocumentForm
from applications.forms.feedback import FeedbackForm
from applications.forms.interviews import (
    InterviewForm,
    PrepItemForm,
    PrepItemFormSet,
    PrepQuestionForm,
)
from applications.forms.question_bank import BankQuestionForm

__all__ = [
    "CURRENCY_RE",
    "ApplicationForm",
    "BankQuestionForm",
    "ContactForm",
    "DateInput",
    "DateTimeLocalInput",
    "DocumentForm",
    "DurationInput",
    "FeedbackForm",
    "InterviewForm",
    "OwnedModelForm",
    "PrepItemForm",
    "PrepItemFormSet",
    "PrepQuestionForm",
    "SearchInput",
    "StatusForm",
    "form_helper",
    "limit_help",
]
