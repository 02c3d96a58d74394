"""Forms for applications, interviews, contacts, the feedback log and the question bank.

Every choice of another row (an application, a contact) is limited to the user's own rows, so an
id of someone else's row is a form error and never becomes a link.
"""

# One module per feature; every public name is re-exported here.
from applications.forms._common import (
    DateInput,
    DateTimeLocalInput,
    DurationInput,
    FilterForm,
    OwnedModelForm,
    SearchInput,
    form_helper,
    limit_help,
)
from applications.forms.applications import (
    APPLICATION_SORTS,
    CURRENCY_RE,
    ApplicationFilterForm,
    ApplicationForm,
    StatusForm,
)
from applications.forms.contacts import ContactFilterForm, ContactForm
from applications.forms.feedback import FeedbackForm
from applications.forms.interviews import (
    InterviewFilterForm,
    InterviewForm,
    PrepItemForm,
    PrepItemFormSet,
    PrepQuestionForm,
)
from applications.forms.question_bank import BankQuestionForm

__all__ = [
    "APPLICATION_SORTS",
    "CURRENCY_RE",
    "ApplicationFilterForm",
    "ApplicationForm",
    "BankQuestionForm",
    "ContactFilterForm",
    "ContactForm",
    "DateInput",
    "DateTimeLocalInput",
    "DurationInput",
    "FeedbackForm",
    "FilterForm",
    "InterviewFilterForm",
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
