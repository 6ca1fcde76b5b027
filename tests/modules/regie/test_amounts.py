"""Amounts in words on receipts, in Arabic and French, for the issue's sample amounts.

The expected strings are written by hand from the grammar, not copied from the function's output:
- French, traditional spelling: "vingt et un", "quatre-vingts" but "quatre-vingt-un", "deux cents" but
  "deux cent un", "mille" invariable, "cent mille" (no s before mille), "un million de dirhams" (de after a
  scale noun ending the number), "zéro dirham" (singular under two);
- Arabic: the counted noun agrees with the number ("درهم واحد", "درهمان", 3 to 10 the plural "دراهم", 11 to 99
  the accusative singular "درهما", 100, 1000... the genitive singular "درهم"); the dual of the scale words in
  construct before the noun ("مائتا درهم", "ألفا درهم", "مليونا درهم") and alone otherwise ("مليونان وخمسمائة
  ألف"); "ألف" counted by 3 to 10 is "آلاف", by 11 to 99 "ألفا", and loses its ending before the noun ("خمسة
  وعشرون ألف درهم"); units before tens ("ستة وخمسون"); "و" written joined to the next word; tanween not written.
The amount in figures and in words go together on the receipt: the last test prints them through the receipt's
paper context.

tests/platform_core/test_money.py covers the function in general (rounding, refusals, integers, the genitive);
these are the receipts' own sample set, with centimes.
"""

from decimal import Decimal

import pytest

from platform_core.money import amount_in_words

SAMPLES = [
    # amount, French, Arabic
    ("0.50", "zéro dirham et cinquante centimes", "صفر درهم وخمسون سنتيما"),
    ("0.05", "zéro dirham et cinq centimes", "صفر درهم وخمسة سنتيمات"),
    ("0.75", "zéro dirham et soixante-quinze centimes", "صفر درهم وخمسة وسبعون سنتيما"),
    ("1.00", "un dirham", "درهم واحد"),
    ("1.50", "un dirham et cinquante centimes", "درهم واحد وخمسون سنتيما"),
    ("2.00", "deux dirhams", "درهمان"),
    ("2.01", "deux dirhams et un centime", "درهمان وسنتيم واحد"),
    ("3.25", "trois dirhams et vingt-cinq centimes", "ثلاثة دراهم وخمسة وعشرون سنتيما"),
    ("5.00", "cinq dirhams", "خمسة دراهم"),
    ("10.10", "dix dirhams et dix centimes", "عشرة دراهم وعشرة سنتيمات"),
    ("11.00", "onze dirhams", "أحد عشر درهما"),
    ("12.10", "douze dirhams et dix centimes", "اثنا عشر درهما وعشرة سنتيمات"),
    ("15.05", "quinze dirhams et cinq centimes", "خمسة عشر درهما وخمسة سنتيمات"),
    ("20.20", "vingt dirhams et vingt centimes", "عشرون درهما وعشرون سنتيما"),
    ("71.71", "soixante et onze dirhams et soixante et onze centimes", "واحد وسبعون درهما وواحد وسبعون سنتيما"),
    ("80.80", "quatre-vingts dirhams et quatre-vingts centimes", "ثمانون درهما وثمانون سنتيما"),
    ("99.99", "quatre-vingt-dix-neuf dirhams et quatre-vingt-dix-neuf centimes",
     "تسعة وتسعون درهما وتسعة وتسعون سنتيما"),
    ("100.00", "cent dirhams", "مائة درهم"),
    ("101.00", "cent un dirhams", "مائة وواحد درهم"),
    ("150.02", "cent cinquante dirhams et deux centimes", "مائة وخمسون درهما وسنتيمان"),
    ("200.00", "deux cents dirhams", "مائتا درهم"),
    ("400.40", "quatre cents dirhams et quarante centimes", "أربعمائة درهم وأربعون سنتيما"),
    ("617.28", "six cent dix-sept dirhams et vingt-huit centimes", "ستمائة وسبعة عشر درهما وثمانية وعشرون سنتيما"),
    ("1000.00", "mille dirhams", "ألف درهم"),
    ("2000.00", "deux mille dirhams", "ألفا درهم"),
    ("1234.56", "mille deux cent trente-quatre dirhams et cinquante-six centimes",
     "ألف ومائتان وأربعة وثلاثون درهما وستة وخمسون سنتيما"),
    ("10000.00", "dix mille dirhams", "عشرة آلاف درهم"),
    ("11500.50", "onze mille cinq cents dirhams et cinquante centimes",
     "أحد عشر ألفا وخمسمائة درهم وخمسون سنتيما"),
    ("25000.00", "vingt-cinq mille dirhams", "خمسة وعشرون ألف درهم"),
    ("300000.30", "trois cent mille dirhams et trente centimes", "ثلاثمائة ألف درهم وثلاثون سنتيما"),
    ("1000000.00", "un million de dirhams", "مليون درهم"),
    ("1000000.01", "un million de dirhams et un centime", "مليون درهم وسنتيم واحد"),
    ("1200000.00", "un million deux cent mille dirhams", "مليون ومائتا ألف درهم"),
    ("2000000.75", "deux millions de dirhams et soixante-quinze centimes", "مليونا درهم وخمسة وسبعون سنتيما"),
    ("2500000.75", "deux millions cinq cent mille dirhams et soixante-quinze centimes",
     "مليونان وخمسمائة ألف درهم وخمسة وسبعون سنتيما"),
    ("3750000.40", "trois millions sept cent cinquante mille dirhams et quarante centimes",
     "ثلاثة ملايين وسبعمائة وخمسون ألف درهم وأربعون سنتيما"),
    ("12000000.00", "douze millions de dirhams", "اثنا عشر مليون درهم"),
]


@pytest.mark.parametrize(("amount", "french", "arabic"), SAMPLES, ids=[row[0] for row in SAMPLES])
def test_amount_in_words_in_french(amount, french, arabic):
    assert amount_in_words(amount, "fr") == french
    assert amount_in_words(Decimal(amount), "fr") == french


@pytest.mark.parametrize(("amount", "french", "arabic"), SAMPLES, ids=[row[0] for row in SAMPLES])
def test_amount_in_words_in_arabic(amount, french, arabic):
    assert amount_in_words(amount, "ar") == arabic
    assert amount_in_words(Decimal(amount), "ar") == arabic


@pytest.mark.django_db
def test_a_receipt_prints_its_amount_in_words_in_both_languages(regie):
    """Receipts of sample amounts issued at the counter (a flat fee at that rate), the words as the paper has them."""
    from modules.regie.models import Tariff, TariffVersion
    from modules.regie.printing import receipt_context
    from modules.regie.services import receipts
    from modules.regie.services.receipts import Payment

    tariff = Tariff.objects.create(code="echantillon", name_fr="Montant d'essai", name_ar="مبلغ تجريبي")
    version = TariffVersion.objects.create(tariff=tariff, effective_from="2020-01-01", rate="1")
    for amount, french, arabic in [SAMPLES[0], SAMPLES[3], SAMPLES[25], SAMPLES[34]]:
        TariffVersion.objects.filter(pk=version.pk).update(rate=Decimal(amount))
        receipt = receipts.issue_receipt(actor=regie["regisseur"], payment=Payment(
            tariff=tariff, payer_name="Fatima Zahra Idrissi"))
        assert receipt.amount == Decimal(amount)
        context = receipt_context(receipt, layout="a5", language="ar")
        assert (context["words_fr"], context["words_ar"]) == (french, arabic)
