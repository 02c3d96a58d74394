from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from notifications import channel_urls, crypto
from notifications.models import Channel
from notifications.services import MAX_CHANNELS

SCHEMES = ", ".join(f"{scheme}://" for scheme in channel_urls.ALLOWED_SCHEMES)


class ChannelUrlInput(forms.TextInput):
    """A secret typed once: no autocomplete, spell check or capitals.

    A plain text input, not a password one: an Apprise URL is long and easy to mistype, so a
    refused one comes back in the same response to be corrected (only to the person who just
    typed it, never after it is saved: pages then show its masked form).
    """

    def __init__(self):
        super().__init__(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "inputmode": "url",
            }
        )


class ChannelUrlField(forms.CharField):
    def __init__(self, **kwargs):
        super().__init__(
            max_length=channel_urls.MAX_LENGTH,
            strip=True,
            widget=ChannelUrlInput(),
            **kwargs,
        )

    @sensitive_variables("value")
    def clean(self, value):
        value = super().clean(value)
        if value:
            try:
                channel_urls.check(value)
            except channel_urls.Refused as refused:
                if refused.reason == "scheme":
                    raise forms.ValidationError(
                        _("Seuranta does not send to this kind of channel. Use one of: %(schemes)s")
                        % {"schemes": SCHEMES},
                        code="scheme",
                    ) from None
                if refused.reason == "overrides":
                    raise forms.ValidationError(
                        _(
                            "Seuranta sends each service's own message: a channel URL may not "
                            "set the method (method=), add or remove headers (+Name=, -Name=) "
                            "or set body fields (:name=). Remove them from the URL."
                        ),
                        code="overrides",
                    ) from None
                if refused.reason == "options":
                    raise forms.ValidationError(
                        _(
                            "The URL has options its service does not take: %(options)s. "
                            "Remove them, or check their spelling in the service's instructions."
                        )
                        % {"options": ", ".join(refused.options)},
                        code="options",
                    ) from None
                if refused.reason == "address":
                    raise forms.ValidationError(
                        _(
                            "%(host)s is at %(address)s, %(kind)s. Seuranta sends only to "
                            "public addresses; to reach a server on this instance's own network, "
                            "its administrator sets CHANNELS_ALLOW_PRIVATE=1."
                        )
                        % {
                            "host": refused.refusal.host,
                            "address": refused.refusal.address,
                            "kind": refused.refusal.kind,
                        },
                        code="address",
                    ) from None
                raise forms.ValidationError(
                    _(
                        "This URL is incomplete or malformed for its service. Copy it again "
                        "from the service's instructions."
                    ),
                    code="invalid",
                ) from None
        return value


@sensitive_variables("url")
def _already_added(
    owner, url: str, *, other_than: int | None = None
) -> forms.ValidationError | None:
    """The error for a URL one of the owner's channels already has: every reminder would
    arrive there twice. A channel whose URL cannot be read any more is not compared."""
    channels = Channel.objects.filter(owner=owner).exclude(pk=other_than).order_by("pk")
    for channel in channels:
        try:
            same = channel.read_url() == url
        except crypto.Unreadable:
            continue
        if same:
            return forms.ValidationError(
                _("“%(label)s” already sends to this URL; each reminder would come twice.")
                % {"label": channel.label},
                code="duplicate",
            )
    return None


class ChannelForm(forms.Form):
    """The "Add channel" form: a label and an Apprise URL."""

    label = forms.CharField(label=_("Label"), max_length=60)
    url = ChannelUrlField(
        label=_("Channel URL"),
        help_text=format_lazy(
            "{} {}",
            _(
                "In Apprise's syntax, for example ntfy://ntfy.sh/your-topic or "
                "tgram://bot-token/chat-id."
            ),
            _("It is stored encrypted and never shown in full again."),
        ),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_url(self):
        url = self.cleaned_data["url"]
        duplicate = _already_added(self.owner, url)
        if duplicate:
            raise duplicate
        return url

    def clean(self):
        cleaned = super().clean()
        if Channel.objects.filter(owner=self.owner).count() >= MAX_CHANNELS:
            raise forms.ValidationError(
                _("You have %(count)d channels, the most Seuranta sends to. Remove one first.")
                % {"count": MAX_CHANNELS},
                code="too_many",
            )
        return cleaned


class ChannelEditForm(forms.Form):
    """A channel's label, on/off, and a new URL only if one is typed.

    A plain form (not a ModelForm): the service compares the values with the channel as stored.
    """

    label = forms.CharField(label=_("Label"), max_length=60)
    enabled = forms.BooleanField(
        label=_("On"), required=False, help_text=_("Turned off, the channel gets no reminders.")
    )
    url = ChannelUrlField(
        label=_("New channel URL"),
        required=False,
        help_text=_("Leave it empty to keep the URL you gave."),
    )

    def __init__(self, *args, channel: Channel, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel

    def clean_url(self):
        url = self.cleaned_data["url"]
        duplicate = url and _already_added(self.channel.owner, url, other_than=self.channel.pk)
        if duplicate:
            raise duplicate
        return url
