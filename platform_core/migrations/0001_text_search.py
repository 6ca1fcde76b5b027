"""Fuzzy search of names for every commune: pg_trgm, unaccent and `public.jamaa_fold(text)`.

They live in the public schema, which is on every commune's search_path, so that a module's generated search
columns and trigram indexes (in the commune's schema) all call the same immutable function. jamaa_fold()
folds what a counter agent cannot be expected to type exactly:
- Arabic: the hamza forms of alef (أ إ آ ٱ -> ا), taa marbuta (ة -> ه), alef maqsura (ى -> ي), hamza on waw
  and yaa and the lone hamza (ء, often left out at the end of a name), Persian and Maghrebi letters (ک ی ڭ گ ڤ پ),
  diacritics and the tatweel; the article ال at the start of a word (العلوي and علوي are one family name;
  trigram similarity of a short word would otherwise hang on its article), and the compounds عبد and بن
  written with or without a space (عبد الله / عبدالله, بن علي / بنعلي);
- Latin: accents and case, the article el/al as a word of its own (El Alaoui / Alaoui), Ben Ali / Benali;
- hyphens, apostrophes, dots, commas, slashes and runs of spaces become one space.
Every step is independent of the database's locale (unaccent runs before lower(), classes are spelt out), as an
immutable function behind stored keys must be.
The search selectors then match each typed word on its own against these keys (pg_trgm's `%>`).
"""

from django.db import migrations

FOLD = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE OR REPLACE FUNCTION public.jamaa_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        ' ' || regexp_replace(
            lower(public.unaccent('public.unaccent'::regdictionary,
                regexp_replace(translate(value, 'أإآٱةىؤئکیڭگڤپ', 'ااااهيويكيككفب'),
                               '[\u064B-\u065F\u0670\u0640\u0621]+', '', 'g'))),
            '[\s\u00A0\-_''’`.,;:/()]+', ' ', 'g') || ' ',
        -- One pass (it runs twice for every act written): drop the article before a word of two letters or more,
        -- drop el/al standing alone, glue عبد/بن/abd/ben to the next word.
        ' (?:ال(\S\S)|(?:el|al) (\S)|(عبد|بن|abd|ben) (\S))', ' \1\2\3\4', 'g'))
$$;
"""

UNFOLD = "DROP FUNCTION IF EXISTS public.jamaa_fold(text);"


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunSQL(FOLD, UNFOLD)]
