"""Language choice: Chinese by default, English on request.

Pages follow the language the person picked (cookie), then their saved preference, then
Chinese; the API also honours Accept-Language, since programs set it deliberately.
"""
from flask import has_request_context, request
from flask_login import current_user

# Babel reads "zh_CN" as zh_Hans_CN, so its catalogue lives in translations/zh_Hans_CN.
LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LOCALE = "zh_CN"
COOKIE = "lang"


def select_locale() -> str:
    if not has_request_context():  # jobs, CLI, mail threads: the platform's language
        return DEFAULT_LOCALE
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if request.path.startswith("/api/"):
        header_choice = request.accept_languages.best_match(["zh_CN", "zh", "en"])
        if header_choice:
            return "en" if header_choice == "en" else DEFAULT_LOCALE
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    return DEFAULT_LOCALE
