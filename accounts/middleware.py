from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Show each logged-in user the site in their own time zone and chosen language.

    Runs after AuthenticationMiddleware. A user who chose no language keeps the one
    LocaleMiddleware picked from the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tzinfo)
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        try:
            response = self.get_response(request)
        finally:
            # The thread serves other users next: leave no time zone behind.
            timezone.deactivate()
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
