# Les règles de champ des protos (protovalidate) et les règles communes à toutes les
# requêtes : ce qu'une valeur doit respecter. Chaque message reçoit les valeurs de la règle
# (min_len, max_len, gte, lte…) ; le chemin du champ est donné à part, dans l'erreur.

validation-required = Ce champ est obligatoire.

## Chaînes de caractères

validation-string-min-len = La valeur doit comporter au moins { $min_len } { $min_len ->
        [one] caractère
       *[other] caractères
    }.
validation-string-max-len = La valeur doit comporter au plus { $max_len } { $max_len ->
        [one] caractère
       *[other] caractères
    }.
validation-string-pattern = La valeur ne respecte pas le format attendu (expression régulière « { $pattern } »).
validation-string-uuid = La valeur doit être un UUID valide.
validation-string-uuid-empty = La valeur est vide : un UUID est attendu.

## Nombres (entiers et décimaux de tout type)

validation-number-gt = La valeur doit être strictement supérieure à { $gt }.
validation-number-gte = La valeur doit être supérieure ou égale à { $gte }.
validation-number-lt = La valeur doit être strictement inférieure à { $lt }.
validation-number-lte = La valeur doit être inférieure ou égale à { $lte }.
validation-number-gt-lt = La valeur doit être strictement comprise entre { $gt } et { $lt }.
validation-number-gt-lte = La valeur doit être strictement supérieure à { $gt } et inférieure ou égale à { $lte }.
validation-number-gte-lt = La valeur doit être supérieure ou égale à { $gte } et strictement inférieure à { $lt }.
validation-number-gte-lte = La valeur doit être comprise entre { $gte } et { $lte }, bornes incluses.
validation-number-gt-lt-exclusive = La valeur doit être strictement supérieure à { $gt } ou strictement inférieure à { $lt }.
validation-number-gt-lte-exclusive = La valeur doit être strictement supérieure à { $gt } ou inférieure ou égale à { $lte }.
validation-number-gte-lt-exclusive = La valeur doit être supérieure ou égale à { $gte } ou strictement inférieure à { $lt }.
validation-number-gte-lte-exclusive = La valeur doit être supérieure ou égale à { $gte } ou inférieure ou égale à { $lte }.
validation-number-const = La valeur doit être égale à { $value }.
validation-number-in = La valeur doit être l'une des suivantes : { $allowed }.
validation-number-not-in = { $count ->
        [one] La valeur ne doit pas être { $refused }.
       *[other] La valeur ne doit être aucune des suivantes : { $refused }.
    }

## Énumérations

validation-enum-defined-only = La valeur { $given } ne figure pas parmi les valeurs définies de l'énumération { $enum }.
validation-enum-const = La valeur doit être { $value }.
validation-enum-in = La valeur doit être l'une des suivantes : { $allowed }.
validation-enum-not-in = { $count ->
        [one] La valeur ne doit pas être { $refused }.
       *[other] La valeur ne doit être aucune des suivantes : { $refused }.
    }

## Listes

validation-repeated-min-items = La liste doit comporter au moins { $min_items } { $min_items ->
        [one] élément
       *[other] éléments
    }.
validation-repeated-max-items = La liste doit comporter au plus { $max_items } { $max_items ->
        [one] élément
       *[other] éléments
    }.
validation-repeated-unique = La liste ne doit pas contenir deux fois le même élément.

## Booléens

validation-bool-const = La valeur doit être « { $value } ».

## Horodatages, en temps universel (UTC)

# Une borne : « 1 janvier 2000 à 0 h 00 ».
validation-instant = { $day } à { $hour } h { NUMBER($minute, minimumIntegerDigits: 2) }{ $second ->
        [0] {""}
       *[other] {" "}{ NUMBER($second, minimumIntegerDigits: 2) } s
    }
validation-timestamp-gt = L'horodatage doit être postérieur au { $gt } (temps universel).
validation-timestamp-gte = L'horodatage doit être au plus tôt le { $gte } (temps universel).
validation-timestamp-lt = L'horodatage doit être antérieur au { $lt } (temps universel).
validation-timestamp-lte = L'horodatage doit être au plus tard le { $lte } (temps universel).
validation-timestamp-gt-lt = L'horodatage doit être postérieur au { $gt } et antérieur au { $lt } (temps universel).
validation-timestamp-gt-lte = L'horodatage doit être postérieur au { $gt } et au plus tard le { $lte } (temps universel).
validation-timestamp-gte-lt = L'horodatage doit être au plus tôt le { $gte } et antérieur au { $lt } (temps universel).
validation-timestamp-gte-lte = L'horodatage doit être au plus tôt le { $gte } et au plus tard le { $lte } (temps universel).
validation-timestamp-gt-lt-exclusive = L'horodatage doit être postérieur au { $gt } ou antérieur au { $lt } (temps universel).
validation-timestamp-gt-lte-exclusive = L'horodatage doit être postérieur au { $gt } ou au plus tard le { $lte } (temps universel).
validation-timestamp-gte-lt-exclusive = L'horodatage doit être au plus tôt le { $gte } ou antérieur au { $lt } (temps universel).
validation-timestamp-gte-lte-exclusive = L'horodatage doit être au plus tôt le { $gte } ou au plus tard le { $lte } (temps universel).

## Les règles propres aux messages de Vigie (leur identifiant dans les protos)

validation-centre-owner-integrated = Un centre intégré doit nommer le donneur d'ordre qui le détient ; un centre externalisé n'en nomme aucun.
validation-lead-time-unit = Le délai de prévenance est de { $years } ans au plus : { $calendar_days } jours calendaires, { $business_days } jours ouvrés ou { $months } mois.
validation-finding-owner-required = Le champ { $field } ou, pour le constat d'un centre externalisé, le champ { $alternative } est obligatoire ({ $max_len } caractères au plus).
validation-event-id-required = Le champ { $field } est obligatoire (de 1 à { $max_len } caractères).

## Les règles communes à toutes les requêtes

validation-control-character = La valeur ne doit contenir aucun caractère de contrôle ({ $code } trouvé).
validation-control-character-free-text = La valeur ne doit contenir aucun caractère de contrôle autre que les sauts de ligne et les tabulations ({ $code } trouvé).
validation-not-a-calendar-date = La date { $given } n'existe pas dans le calendrier.
validation-date-range = La date doit être comprise entre le { $earliest } et le { $latest }.
