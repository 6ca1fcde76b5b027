from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """The last number given in a series for a year (receipts of a book, acts of a bureau, mail...)."""

    series = models.CharField(_("series"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveBigIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="one_sequence_per_series_year")]

    def __str__(self) -> str:
        return f"{self.series}/{self.year}: {self.last_value}"
