"""Provisioning a new commune from the console: a recipe from the library or an uploaded file.

The same service as `manage.py provision_commune`, so the same all-or-nothing creation and the same audit entry
(with the operator as actor). Passwords the recipe left out are generated once: they travel to the new commune's
page in the server-side session, which shows them once and forgets them.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from tenants.console.communes import GENERATED_PASSWORDS, operator_page
from tenants.console.forms import MAX_RECIPE_BYTES, ProvisionForm
from tenants.recipes import RecipeError
from tenants.services.provisioning import ProvisioningError, provision_commune


@operator_page
@sensitive_post_parameters()
@never_cache
def provision(request):
    form = ProvisionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        recipe = form.cleaned_data["recipe"]
        try:
            result = provision_commune(recipe, actor=request.user, request=request)
        except (RecipeError, ProvisioningError) as error:
            form.add_error(None, str(error))
        else:
            if result.generated_passwords:
                request.session[GENERATED_PASSWORDS] = {"slug": result.commune.slug,
                                                        "passwords": result.generated_passwords}
            messages.success(request, _("%(commune)s was provisioned in %(seconds).1f s.") % {
                "commune": result.commune.name(), "seconds": result.seconds})
            return redirect("console:commune", slug=result.commune.slug)
    return render(request, "console/provision.html", {
        "section": "communes", "form": form, "max_kb": MAX_RECIPE_BYTES // 1024,
    })
