"""Who may use the console: operators run communes; trainers (an operator role too) run training sandboxes.

Both need a session verified with the second factor; commune accounts live in other schemas and cannot sign
in here at all.
"""

from django.contrib.auth.decorators import user_passes_test
from django.urls import reverse_lazy

from tenants.console import auth

OPERATE = "tenants.operate_communes"
TRAIN = "tenants.run_trainings"


def is_signed_in(user) -> bool:
    """A console account that gave both the password and the code of its authenticator app."""
    return auth.is_operator(user) and user.is_verified()


def can_operate(user) -> bool:
    return is_signed_in(user) and user.has_perm(OPERATE)


def can_train(user) -> bool:
    return is_signed_in(user) and (user.has_perm(TRAIN) or user.has_perm(OPERATE))


operator_required = user_passes_test(can_operate, login_url=reverse_lazy("console:login"))
trainer_required = user_passes_test(can_train, login_url=reverse_lazy("console:login"))
