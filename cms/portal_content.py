"""What the "standard" portal package writes, in French and Arabic: the procedure guide (Moroccan practice under law
37-99 on civil status and its decree 2-99-665, law 47-06 on local taxation, organic law 113-14 on communes), the
offices, a welcome article, a council session and the contact form. Editors change it all afterwards; the package
never overwrites their work (cms.portal creates what is missing, nothing else).

Every text is a pair {"fr": ..., "ar": ...}; multi-line texts become paragraphs.
"""

NO_NOTE = {"fr": "", "ar": ""}
CNIE = {"fr": "Carte nationale d'identité électronique", "ar": "البطاقة الوطنية للتعريف الإلكترونية"}
CNIE_APPLICANT = {"fr": "Carte nationale d'identité électronique du demandeur",
                  "ar": "البطاقة الوطنية للتعريف الإلكترونية للطالب"}
CNIE_DECLARANT = {"fr": "Carte nationale d'identité électronique du déclarant",
                  "ar": "البطاقة الوطنية للتعريف الإلكترونية للمصرح"}
CNIE_VALID = {"fr": "Carte nationale d'identité électronique en cours de validité",
              "ar": "البطاقة الوطنية للتعريف الإلكترونية سارية الصلاحية"}
CNIE_COPY = {"fr": "Copie de la carte nationale d'identité électronique",
             "ar": "نسخة من البطاقة الوطنية للتعريف الإلكترونية"}

OFFICES = [
    {
        "slug": "etat-civil",
        "title": {"fr": "Bureau d'état civil", "ar": "مكتب الحالة المدنية"},
        "services": {
            "fr": "Déclarations de naissance et de décès, extraits et copies d'actes, fiches individuelles, "
                  "livret de famille.",
            "ar": "التصريح بالولادات والوفيات، نسخ موجزة وكاملة من الرسوم، البطاقات الشخصية، الدفتر العائلي.",
        },
    },
    {
        "slug": "legalisation",
        "title": {"fr": "Bureau de légalisation", "ar": "مكتب تصحيح الإمضاء"},
        "services": {
            "fr": "Légalisation de signature et certification de copies conformes à l'original.",
            "ar": "تصحيح الإمضاء والإشهاد على مطابقة النسخ لأصولها.",
        },
    },
    {
        "slug": "regie",
        "title": {"fr": "Régie des recettes", "ar": "وكالة المداخيل"},
        "services": {
            "fr": "Paiement des taxes, droits et redevances de la commune, contre une quittance numérotée.",
            "ar": "أداء الرسوم والواجبات والإتاوات الجماعية مقابل وصل مرقم.",
        },
    },
]

# category, eservice_code, tariff_code, office (slug), then the texts.
PROCEDURES = [
    {
        "slug": "extrait-acte-naissance",
        "category": "civil_status",
        "eservice_code": "civil_status.birth_extract",
        "tariff_code": "extrait-naissance",
        "office": "etat-civil",
        "title": {"fr": "Extrait d'acte de naissance", "ar": "نسخة موجزة من رسم الولادة"},
        "summary": {
            "fr": "Le résumé de votre acte de naissance, demandé pour la carte nationale, le passeport, l'école "
                  "et la plupart des dossiers administratifs.",
            "ar": "ملخص رسم ولادتكم، يطلب لبطاقة التعريف الوطنية وجواز السفر والتمدرس وأغلب الملفات الإدارية.",
        },
        "who": {
            "fr": "Le titulaire de l'acte, ses ascendants ou descendants, son conjoint, son tuteur ou représentant "
                  "légal, ou une personne munie d'une procuration légalisée.\n"
                  "L'extrait est délivré par le bureau d'état civil où la naissance est inscrite (loi n° 37-99 "
                  "relative à l'état civil).",
            "ar": "صاحب الرسم أو أصوله أو فروعه أو زوجه أو الوصي أو النائب الشرعي، أو كل شخص يحمل وكالة مصححة "
                  "الإمضاء.\n"
                  "تسلم النسخة من طرف مكتب الحالة المدنية المسجلة به الولادة (القانون رقم 37.99 المتعلق "
                  "بالحالة المدنية).",
        },
        "papers": [
            (CNIE_APPLICANT, NO_NOTE),
            ({"fr": "Numéro et année de l'acte de naissance", "ar": "رقم وسنة رسم الولادة"},
             {"fr": "Ils figurent sur le livret de famille ou sur un ancien extrait.",
              "ar": "تجدونهما في الدفتر العائلي أو في نسخة سابقة."}),
            ({"fr": "Procuration légalisée", "ar": "وكالة مصححة الإمضاء"},
             {"fr": "Seulement si vous demandez pour une autre personne que votre famille proche.",
              "ar": "فقط إذا كان الطلب لفائدة شخص من غير الأقارب المذكورين."}),
        ],
        "delay": {"fr": "Le jour même au guichet ; 3 jours ouvrables en ligne",
                  "ar": "في الحين بالشباك؛ 3 أيام عمل عبر الإنترنت"},
        "body": {
            "fr": "En ligne, vous suivez votre demande avec son numéro et vous êtes prévenu par SMS quand l'extrait "
                  "est prêt.\n"
                  "Les administrations demandent en général un extrait de moins de trois mois.",
            "ar": "عبر الإنترنت، تتبعون طلبكم برقمه وتتوصلون برسالة قصيرة عندما تكون النسخة جاهزة.\n"
                  "تطلب الإدارات عادة نسخة لا يتجاوز تاريخها ثلاثة أشهر.",
        },
    },
    {
        "slug": "copie-integrale",
        "category": "civil_status",
        "eservice_code": "civil_status.full_copy",
        "tariff_code": "copie-integrale",
        "office": "etat-civil",
        "title": {"fr": "Copie intégrale d'acte de naissance", "ar": "نسخة كاملة من رسم الولادة"},
        "summary": {
            "fr": "La reproduction complète de l'acte, avec toutes ses mentions marginales (mariage, divorce, "
                  "rectifications), demandée notamment pour le mariage et la nationalité.",
            "ar": "النقل الكامل للرسم بجميع بياناته الهامشية (الزواج، الطلاق، التصحيحات)، تطلب خاصة للزواج "
                  "والجنسية.",
        },
        "who": {
            "fr": "Seulement le titulaire de l'acte, ses ascendants ou descendants, son conjoint, son tuteur ou "
                  "représentant légal, ou une personne munie d'une procuration légalisée (décret n° 2-99-665 "
                  "pris pour l'application de la loi n° 37-99).",
            "ar": "فقط صاحب الرسم أو أصوله أو فروعه أو زوجه أو الوصي أو النائب الشرعي، أو كل شخص يحمل وكالة "
                  "مصححة الإمضاء (المرسوم رقم 2.99.665 لتطبيق القانون رقم 37.99).",
        },
        "papers": [
            (CNIE_APPLICANT, NO_NOTE),
            ({"fr": "Livret de famille", "ar": "الدفتر العائلي"},
             {"fr": "Pour prouver le lien de parenté quand vous n'êtes pas le titulaire de l'acte.",
              "ar": "لإثبات القرابة إذا لم تكونوا صاحب الرسم."}),
            ({"fr": "Procuration légalisée", "ar": "وكالة مصححة الإمضاء"},
             {"fr": "Si vous demandez au nom d'une autre personne.", "ar": "إذا كان الطلب باسم شخص آخر."}),
        ],
        "delay": {"fr": "Le jour même au guichet ; 3 jours ouvrables en ligne",
                  "ar": "في الحين بالشباك؛ 3 أيام عمل عبر الإنترنت"},
        "body": {"fr": "", "ar": ""},
    },
    {
        "slug": "fiche-individuelle-etat-civil",
        "category": "civil_status",
        "eservice_code": "civil_status.individual_record",
        "tariff_code": "fiche-etat-civil",
        "office": "etat-civil",
        "title": {"fr": "Fiche individuelle d'état civil", "ar": "البطاقة الشخصية للحالة المدنية"},
        "summary": {
            "fr": "Une fiche qui tient lieu d'extrait d'acte de naissance, établie au vu du livret de famille : "
                  "utile quand vous êtes né loin d'ici.",
            "ar": "بطاقة تقوم مقام النسخة الموجزة من رسم الولادة، تنجز بناء على الدفتر العائلي: مفيدة إذا كنتم "
                  "مزدادين بعيدا عن هذه الجماعة.",
        },
        "who": {
            "fr": "Le titulaire ou un membre de sa famille porté sur le même livret de famille.",
            "ar": "صاحب البطاقة أو أحد أفراد أسرته المسجلين في نفس الدفتر العائلي.",
        },
        "papers": [
            ({"fr": "Livret de famille", "ar": "الدفتر العائلي"},
             {"fr": "Ou, à défaut, un extrait d'acte de naissance même ancien.",
              "ar": "أو، عند تعذر ذلك، نسخة موجزة من رسم الولادة ولو كانت قديمة."}),
            (CNIE, NO_NOTE),
        ],
        "delay": {"fr": "Le jour même", "ar": "في الحين"},
        "body": {
            "fr": "La fiche est valable trois mois.",
            "ar": "صلاحية البطاقة ثلاثة أشهر.",
        },
    },
    {
        "slug": "declaration-naissance",
        "category": "civil_status",
        "eservice_code": "",
        "tariff_code": "",
        "office": "etat-civil",
        "title": {"fr": "Déclaration de naissance", "ar": "التصريح بالولادة"},
        "summary": {
            "fr": "Inscrire un nouveau-né à l'état civil : la naissance se déclare dans les 30 jours au bureau "
                  "d'état civil du lieu de naissance.",
            "ar": "تسجيل المولود في الحالة المدنية: يصرح بالولادة داخل أجل 30 يوما لدى مكتب الحالة المدنية لمكان "
                  "الولادة.",
        },
        "who": {
            "fr": "Le père ou la mère, puis, à défaut, le grand-père, le frère ou toute autre personne désignée "
                  "par la loi n° 37-99 (article 16).\n"
                  "Passé 30 jours, la naissance ne peut plus être déclarée au bureau : il faut un jugement "
                  "déclaratif du tribunal de première instance.",
            "ar": "الأب أو الأم، ثم عند تعذر ذلك الجد أو الأخ أو غيرهم ممن حددتهم المادة 16 من القانون رقم "
                  "37.99.\n"
                  "بعد انصرام أجل 30 يوما لا يمكن التصريح بالولادة لدى المكتب، بل يلزم حكم تصريحي من المحكمة "
                  "الابتدائية.",
        },
        "papers": [
            ({"fr": "Certificat d'accouchement", "ar": "شهادة الولادة"},
             {"fr": "Délivré par le médecin ou la sage-femme, ou par l'autorité locale pour une naissance à "
                    "domicile.",
              "ar": "تسلم من طرف الطبيب أو القابلة، أو من السلطة المحلية في حالة الولادة بالمنزل."}),
            ({"fr": "Acte de mariage des parents", "ar": "عقد زواج الوالدين"}, {"fr": "Copie.", "ar": "نسخة."}),
            ({"fr": "Livret de famille", "ar": "الدفتر العائلي"},
             {"fr": "L'officier y inscrit l'enfant.", "ar": "يسجل فيه ضابط الحالة المدنية المولود."}),
            (CNIE_DECLARANT, NO_NOTE),
        ],
        "delay": {"fr": "À déclarer dans les 30 jours suivant la naissance ; acte dressé le jour même",
                  "ar": "يصرح بها داخل 30 يوما من تاريخ الولادة؛ ويحرر الرسم في الحين"},
        "fee_note": {"fr": "Gratuit", "ar": "مجانا"},
        "body": {
            "fr": "Le prénom choisi doit avoir un caractère marocain et ne pas être un nom de famille, un nom "
                  "composé de plus de deux prénoms, ni un nom de ville, de village ou de tribu (loi n° 37-99, "
                  "article 21).",
            "ar": "يجب أن يكتسي الاسم الشخصي المختار طابعا مغربيا، وألا يكون اسما عائليا أو اسما مركبا من أكثر "
                  "من اسمين أو اسم مدينة أو قرية أو قبيلة (المادة 21 من القانون رقم 37.99).",
        },
    },
    {
        "slug": "legalisation-signature",
        "category": "certification",
        "eservice_code": "",
        "tariff_code": "legalisation",
        "office": "legalisation",
        "title": {"fr": "Légalisation de signature", "ar": "تصحيح الإمضاء"},
        "summary": {
            "fr": "Faire certifier que la signature portée sur un document (procuration, engagement, contrat) est "
                  "bien la vôtre.",
            "ar": "الإشهاد على أن الإمضاء الموضوع على وثيقة (وكالة، التزام، عقد) هو إمضاؤكم.",
        },
        "who": {
            "fr": "Le signataire lui-même, en personne : il signe le document et le registre devant le "
                  "fonctionnaire délégué. Personne ne peut faire légaliser la signature d'un autre.",
            "ar": "صاحب الإمضاء شخصيا: يوقع الوثيقة والسجل أمام الموظف المفوض له. لا يمكن لأي شخص تصحيح إمضاء "
                  "غيره.",
        },
        "papers": [
            (CNIE_VALID, {"fr": "Pour un étranger : passeport ou carte de séjour.",
                          "ar": "بالنسبة للأجانب: جواز السفر أو بطاقة الإقامة."}),
            ({"fr": "Le document à signer", "ar": "الوثيقة المراد توقيعها"},
             {"fr": "Non signé : vous signez sur place.", "ar": "غير موقعة: توقعونها بعين المكان."}),
        ],
        "delay": {"fr": "Immédiat", "ar": "في الحين"},
        "body": {
            "fr": "Le droit de légalisation est perçu par signature légalisée, selon l'arrêté fiscal de la "
                  "commune (loi n° 47-06 relative à la fiscalité des collectivités locales).",
            "ar": "يستخلص رسم تصحيح الإمضاء عن كل إمضاء، وفق القرار الجبائي للجماعة (القانون رقم 47.06 المتعلق "
                  "بجبايات الجماعات المحلية).",
        },
    },
    {
        "slug": "certificat-residence",
        "category": "other",
        "eservice_code": "",
        "tariff_code": "",
        "office": "",
        "title": {"fr": "Certificat de résidence", "ar": "شهادة السكنى"},
        "summary": {
            "fr": "L'attestation de votre adresse. Elle est délivrée par l'autorité locale (pachalik ou caïdat) "
                  "de votre quartier, et non par les bureaux de la commune.",
            "ar": "شهادة تثبت محل سكناكم. تسلمها السلطة المحلية (الباشوية أو القيادة) التابع لها حيكم، وليس "
                  "مكاتب الجماعة.",
        },
        "who": {
            "fr": "Toute personne qui réside dans le ressort de l'autorité locale, après vérification de "
                  "l'adresse par l'agent d'autorité du quartier.",
            "ar": "كل شخص يقطن بدائرة نفوذ السلطة المحلية، بعد التحقق من العنوان من طرف عون السلطة بالحي.",
        },
        "papers": [
            (CNIE, NO_NOTE),
            ({"fr": "Justificatif de domicile", "ar": "ما يثبت السكنى"},
             {"fr": "Contrat de bail légalisé, titre de propriété ou facture récente d'eau ou d'électricité.",
              "ar": "عقد كراء مصحح الإمضاء أو رسم الملكية أو فاتورة حديثة للماء أو الكهرباء."}),
        ],
        "delay": {"fr": "Quelques jours, le temps de l'enquête de l'agent d'autorité",
                  "ar": "بضعة أيام، مدة بحث عون السلطة"},
        "fee_note": {"fr": "Renseignez-vous auprès de l'autorité locale", "ar": "استفسروا لدى السلطة المحلية"},
        "body": {"fr": "", "ar": ""},
    },
    {
        "slug": "autorisation-exploitation-commerce",
        "category": "economy",
        "eservice_code": "",
        "tariff_code": "autorisation-commerce",
        "office": "",
        "title": {"fr": "Autorisation d'exploitation d'un commerce", "ar": "رخصة استغلال محل تجاري"},
        "summary": {
            "fr": "L'autorisation du président du conseil communal pour ouvrir un commerce ou une activité "
                  "professionnelle dans un local (police administrative, loi organique n° 113-14).",
            "ar": "ترخيص رئيس المجلس الجماعي لفتح محل تجاري أو مزاولة نشاط مهني بمحل (الشرطة الإدارية، "
                  "القانون التنظيمي رقم 113.14).",
        },
        "who": {
            "fr": "L'exploitant du local, personne physique ou société (par son représentant légal).\n"
                  "Une commission (hygiène, protection civile, urbanisme) visite le local avant l'autorisation "
                  "lorsque l'activité l'exige.",
            "ar": "مستغل المحل، شخصا ذاتيا أو شركة (بواسطة ممثلها القانوني).\n"
                  "تعاين لجنة (حفظ الصحة، الوقاية المدنية، التعمير) المحل قبل الترخيص إذا كان النشاط يستلزم "
                  "ذلك.",
        },
        "papers": [
            ({"fr": "Demande adressée au président du conseil communal", "ar": "طلب موجه إلى رئيس المجلس الجماعي"},
             {"fr": "Précisant l'activité et l'adresse du local.", "ar": "يحدد النشاط وعنوان المحل."}),
            (CNIE_COPY, NO_NOTE),
            ({"fr": "Contrat de bail légalisé ou titre de propriété du local",
              "ar": "عقد كراء مصحح الإمضاء أو رسم ملكية المحل"}, NO_NOTE),
            ({"fr": "Pour une société : statuts et certificat d'immatriculation au registre du commerce",
              "ar": "بالنسبة للشركات: النظام الأساسي وشهادة التقييد في السجل التجاري"},
             {"fr": "", "ar": ""}),
        ],
        "delay": {"fr": "Environ 30 jours, visite de la commission comprise",
                  "ar": "حوالي 30 يوما، بما في ذلك معاينة اللجنة"},
        "body": {
            "fr": "Une fois l'activité ouverte, déclarez-la pour la taxe professionnelle dans les 30 jours (loi "
                  "n° 47-06).\n"
                  "Le dossier se dépose au bureau d'ordre de la commune ; le droit est payé à la régie des "
                  "recettes.",
            "ar": "بعد افتتاح النشاط، صرحوا به برسم الرسم المهني داخل أجل 30 يوما (القانون رقم 47.06).\n"
                  "يودع الملف بمكتب الضبط بالجماعة، ويؤدى الواجب بوكالة المداخيل.",
        },
    },
]

SECTIONS = {
    "procedures": {
        "slug": "demarches",
        "title": {"fr": "Guide des démarches", "ar": "دليل المساطر"},
        "intro": {"fr": "Ce qu'il faut savoir avant de venir : les pièces, le coût, le délai et le bureau.",
                  "ar": "ما يجب معرفته قبل المجيء: الوثائق والتكلفة والأجل والمكتب."},
    },
    "offices": {
        "slug": "bureaux",
        "title": {"fr": "Bureaux et horaires", "ar": "المكاتب ومواقيت العمل"},
        "intro": {"fr": "Où trouver chaque service de la commune, et quand.",
                  "ar": "أين تجدون كل مصلحة من مصالح الجماعة، ومتى."},
    },
    "news": {
        "slug": "actualites",
        "title": {"fr": "Actualités", "ar": "المستجدات"},
        "intro": {"fr": "", "ar": ""},
    },
    "council": {
        "slug": "conseil",
        "title": {"fr": "Sessions du conseil", "ar": "دورات المجلس"},
        "intro": {
            "fr": "Le conseil communal tient trois sessions ordinaires par an, en février, mai et octobre (loi "
                  "organique n° 113-14). Les ordres du jour et les décisions sont publiés ici.",
            "ar": "يعقد المجلس الجماعي ثلاث دورات عادية في السنة، في فبراير وماي وأكتوبر (القانون التنظيمي رقم "
                  "113.14). تنشر هنا جداول الأعمال والمقررات.",
        },
    },
    "recruitment": {
        "slug": "recrutement",
        "title": {"fr": "Concours et recrutement", "ar": "المباريات والتوظيف"},
        "intro": {"fr": "Les concours ouverts par la commune, avec leur date limite de candidature.",
                  "ar": "المباريات التي تعلن عنها الجماعة، مع آخر أجل لإيداع الترشيحات."},
    },
    "contact": {
        "slug": "contact",
        "title": {"fr": "Nous écrire", "ar": "راسلونا"},
        "intro": {"fr": "Une question, une remarque ? Écrivez-nous : le service concerné vous répond.",
                  "ar": "سؤال أو ملاحظة؟ راسلونا وستجيبكم المصلحة المعنية."},
        "thank_you": {"fr": "Merci. Votre message est transmis au service concerné.",
                      "ar": "شكرا. تمت إحالة رسالتكم على المصلحة المعنية."},
    },
}

CONTACT_FIELDS = [
    {"clean_name": "name", "field_type": "singleline", "required": True,
     "label": {"fr": "Votre nom", "ar": "الاسم الكامل"}},
    {"clean_name": "phone", "field_type": "singleline", "required": False,
     "label": {"fr": "Téléphone", "ar": "رقم الهاتف"},
     "help_text": {"fr": "Pour vous rappeler si nécessaire.", "ar": "للاتصال بكم عند الحاجة."}},
    {"clean_name": "message", "field_type": "multiline", "required": True,
     "label": {"fr": "Votre message", "ar": "رسالتكم"}},
]

WELCOME_ARTICLE = {
    "slug": "ouverture-du-portail",
    "title": {"fr": "Le portail de la commune est ouvert", "ar": "افتتاح بوابة الجماعة"},
    "summary": {
        "fr": "Demandez vos papiers d'état civil en ligne et suivez vos demandes, en arabe ou en français.",
        "ar": "اطلبوا وثائق الحالة المدنية عبر الإنترنت وتتبعوا طلباتكم، بالعربية أو بالفرنسية.",
    },
    "body": {
        "fr": "La commune ouvre son portail numérique. Vous y trouvez le guide des démarches : pour chaque "
              "papier, les pièces à apporter, le coût, le délai et le bureau.\n"
              "Certaines demandes se font désormais en ligne. Chaque demande reçoit un numéro de suivi, et vous "
              "êtes prévenu par SMS quand votre document est prêt.",
        "ar": "تفتتح الجماعة بوابتها الرقمية. تجدون فيها دليل المساطر: لكل وثيقة، الأوراق المطلوبة والتكلفة "
              "والأجل والمكتب.\n"
              "أصبح بالإمكان تقديم بعض الطلبات عبر الإنترنت. يحصل كل طلب على رقم للتتبع، وتتوصلون برسالة قصيرة "
              "عندما تكون وثيقتكم جاهزة.",
    },
}

# An example session: published on demo communes only, a draft elsewhere (invented decisions have no place on a
# real commune's public site; the draft shows editors what a session page holds).
COUNCIL_SESSION = {
    "slug": "session-ordinaire-fevrier",
    "title": {"fr": "Session ordinaire de février", "ar": "الدورة العادية لشهر فبراير"},
    "location": {"fr": "Salle des délibérations, hôtel de ville", "ar": "قاعة المداولات، مقر الجماعة"},
    "agenda": {
        "fr": "1. Approbation du procès-verbal de la session précédente.\n"
              "2. Délibération sur les taux des taxes, droits et redevances (loi n° 47-06).\n"
              "3. Convention de partenariat pour l'éclairage public.",
        "ar": "1. المصادقة على محضر الدورة السابقة.\n"
              "2. التداول في أسعار الرسوم والواجبات والإتاوات (القانون رقم 47.06).\n"
              "3. اتفاقية شراكة حول الإنارة العمومية.",
    },
    "decisions": [
        {"number": "01/02", "outcome": "adopted", "votes_for": 23, "votes_against": 4, "abstentions": 2,
         "subject": {"fr": "Taux des taxes, droits et redevances de la commune",
                     "ar": "أسعار الرسوم والواجبات والإتاوات الجماعية"}},
        {"number": "02/02", "outcome": "postponed", "votes_for": None, "votes_against": None, "abstentions": None,
         "subject": {"fr": "Convention de partenariat pour l'éclairage public",
                     "ar": "اتفاقية شراكة حول الإنارة العمومية"}},
    ],
}
