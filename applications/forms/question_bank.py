"""The form of a question in the question bank."""

from django.utils.translation import gettext_lazy as _

from applications.forms._common import OwnedModelForm
from applications.models import BankQuestion


class BankQuestionForm(OwnedModelForm):
    class Meta:
        model = BankQuestion
        fields = ["question"]
        labels = {"question": _("Question")}
