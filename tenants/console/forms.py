"""The console's forms: the list's search and filters, a commune's actions, provisioning from a recipe."""

from __future__ import annotations

import yaml
from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from platform_core.modules.registry import registry
from tenants.models import Commune
from tenants.recipes import Recipe, RecipeError, load_recipe, parse_recipe

RECIPES_DIR = settings.BASE_DIR / "recipes"
MAX_RECIPE_BYTES = 256 * 1024


def _module_choices():
    # Callable choices: evaluated per form, in the language of the request.
    return [(spec.key, spec.name()) for spec in registry.all()]


class CommuneFilterForm(forms.Form):
    """The list's GET form; a value that is not one of the choices is ignored rather than an error page."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy(
                            "Name, slug, domain or province")}))
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    module = forms.ChoiceField(label=gettext_lazy("Module"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(Commune.Status.choices)
        self.fields["kind"].choices = everything + [
            (value, label) for value, label in Commune.Kind.choices if value != Commune.Kind.TEMPLATE
        ]
        self.fields["module"].choices = everything + _module_choices()

    def filters(self) -> dict[str, str]:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in ("q", "status", "kind", "module")}


class ModulesForm(forms.Form):
    modules = forms.MultipleChoiceField(label=gettext_lazy("Modules"), required=False,
                                        widget=forms.CheckboxSelectMultiple, choices=_module_choices)


class TakeLiveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for going live with an incomplete checklist"),
                             required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, checklist_complete: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist_complete = checklist_complete
        if checklist_complete:
            self.fields["reason"].label = _("Note (optional)")
        else:
            # Checked in clean_reason, with a message that says why; the browser asks for it too.
            self.fields["reason"].widget.attrs["required"] = True

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason and not self.checklist_complete:
            raise forms.ValidationError(_("The checklist is not complete: say why the commune goes live anyway."))
        return reason


class ReasonForm(forms.Form):
    """Suspend (reason required) and resume (reason optional)."""

    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        if not required:
            self.fields["reason"].label = _("Note (optional)")


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_slug = forms.CharField(label=gettext_lazy("Type the commune's slug to confirm"), max_length=60,
                                   widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}))

    def __init__(self, *args, commune: Commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean_confirm_slug(self):
        typed = self.cleaned_data["confirm_slug"].strip()
        if typed != self.commune.slug:
            raise forms.ValidationError(
                _("This is not the commune's slug (%(slug)s): nothing was archived.") % {"slug": self.commune.slug})
        return typed


# --- provisioning ---------------------------------------------------------------------------------------------


def library_recipes() -> list[tuple[str, Recipe | None]]:
    """The recipe files under recipes/ (sub-folders included), each with its recipe, or None when the file is
    not a valid recipe (listed anyway, so that the operator sees it and the error when picking it)."""
    found = []
    for path in sorted(RECIPES_DIR.glob("**/*.yaml")):
        relative = path.relative_to(RECIPES_DIR).as_posix()
        try:
            found.append((relative, load_recipe(path)))
        except RecipeError:
            found.append((relative, None))
    return found


class ProvisionForm(forms.Form):
    """A recipe from the library or an uploaded file, and the status the new commune starts in."""

    STATUS_CHOICES = [
        (Commune.Status.ONBOARDING, gettext_lazy("Onboarding: staff set it up, the portal says “coming soon”")),
        (Commune.Status.LIVE, gettext_lazy("Live at once")),
    ]

    library = forms.ChoiceField(label=gettext_lazy("A recipe from the library"), required=False,
                                widget=forms.RadioSelect)
    upload = forms.FileField(label=gettext_lazy("Or a recipe file (YAML)"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}))
    status = forms.ChoiceField(label=gettext_lazy("Status at creation"), choices=STATUS_CHOICES,
                               initial=Commune.Status.ONBOARDING, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = set(Commune.objects.values_list("slug", flat=True))
        # What the page lists (the template renders the radio buttons from these rows).
        self.library_rows = [
            {"value": relative, "recipe": recipe, "exists": recipe is not None and recipe.commune.slug in existing}
            for relative, recipe in library_recipes()
        ]
        self.fields["library"].choices = [(row["value"], row["value"]) for row in self.library_rows]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > MAX_RECIPE_BYTES:
            raise forms.ValidationError(
                _("The recipe file is too large (more than %(size)d KB).") % {"size": MAX_RECIPE_BYTES // 1024})
        return upload

    def clean(self):
        cleaned = super().clean()
        library, upload = cleaned.get("library"), cleaned.get("upload")
        if self.errors:
            return cleaned
        if bool(library) == bool(upload):
            raise forms.ValidationError(_("Pick a recipe from the library or upload a recipe file (one of the two)."))
        try:
            recipe = self._library_recipe(library) if library else self._uploaded_recipe(upload)
        except RecipeError as error:
            raise forms.ValidationError(str(error)) from None
        if Commune.objects.filter(slug=recipe.commune.slug).exists():
            raise forms.ValidationError(
                _("A commune with the slug %(slug)s already exists: the console only creates new communes "
                  "(a changed recipe is applied with manage.py provision_commune).") % {"slug": recipe.commune.slug})
        # The status the operator chose replaces the recipe's: it only matters for a new commune.
        recipe.commune = recipe.commune.model_copy(update={"status": cleaned["status"]})
        cleaned["recipe"] = recipe
        return cleaned

    def _library_recipe(self, relative: str) -> Recipe:
        path = (RECIPES_DIR / relative).resolve()
        # Only the files listed (the choice field already refuses others): never a path outside the library.
        if not path.is_relative_to(RECIPES_DIR.resolve()):
            raise RecipeError(_("No recipe file at %(path)s.") % {"path": relative})
        return load_recipe(path)

    def _uploaded_recipe(self, upload) -> Recipe:
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise RecipeError(_("The recipe file is not UTF-8 text.")) from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise RecipeError(
                _("The recipe %(path)s is not valid YAML: %(error)s") % {"path": upload.name, "error": error}
            ) from None
        recipe = parse_recipe(data, source=None)
        if recipe.portal.emblem:
            # An emblem is a file beside the recipe; an uploaded recipe has nothing beside it.
            raise RecipeError(_("An uploaded recipe cannot name an emblem file (portal.emblem): add the recipe "
                                "and its emblem to the library instead."))
        return recipe
