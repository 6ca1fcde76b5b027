"""Fuzzy search of names for every commune: pg_trgm, unaccent and `public.jamaa_fold(text)`.

They live in the public schema, which is on every commune's search_path, so that a module's generated search
columns and trigram indexes (in the commune's schema) all call the same immutable function. jamaa_fold()
folds what a counter agent cannot be expected to type exactly: Latin accents and case, the hamza forms of alef
(أ إ آ ٱ -> ا), taa marbuta (ة -> ه), alef maqsura (ى -> ي), hamza on waw and yaa, Arabic diacritics and the
tatweel, hyphens and runs of spaces.
"""

from django.db import migrations

FOLD = r"""
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE OR REPLACE FUNCTION public.jamaa_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
        lower(public.unaccent('public.unaccent'::regdictionary,
            regexp_replace(translate(value, 'أإآٱةىؤئ', 'ااااهيوي'), '[\u064B-\u065F\u0670\u0640]', '', 'g'))),
        '[\s\-_''’.,]+', ' ', 'g'))
$$;
"""

UNFOLD = "DROP FUNCTION IF EXISTS public.jamaa_fold(text);"


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunSQL(FOLD, UNFOLD)]
