# Les erreurs renvoyées aux appelants des API : ce qui manque, ce qui existe déjà.

error-not-found = { $kind ->
        [audit] L'audit
        [bid] L'offre
        [centre] Le centre
        [contract] Le contrat
        [finding] Le constat
        [notice] Le préavis
        [referential] Le référentiel
        [site] Le site
        [tender] L'appel d'offres
        [policy] La version de la politique du comité
       *[other] La ressource
    } { $name } est introuvable.
error-already-exists = { $kind ->
        [audit] L'audit
        [bid] L'offre
        [centre] Le centre
        [contract] Le contrat
        [finding] Le constat
        [notice] Le préavis
        [referential] Le référentiel
        [site] Le site
        [tender] L'appel d'offres
       *[other] La ressource
    } { $name } existe déjà.
error-more-violations = { $count ->
    [one] et une autre anomalie, non détaillée
   *[other] et { $count } autres anomalies, non détaillées
}
error-internal = Erreur interne du service.
error-dependency-down = Un service dont dépend celui-ci est indisponible ; réessayez plus tard.

## Qui appelle : le jeton d'accès, le rôle, l'organisation

error-token-missing = L'appel ne porte pas de métadonnée « authorization: Bearer <jeton> ».
error-token-scheme = La métadonnée authorization doit être de la forme « Bearer <jeton> ».
error-token-expired = Le jeton d'accès a expiré.
error-token-invalid = Le jeton d'accès n'est pas valide : { $why }.
# Les raisons, complétant error-token-invalid.
error-token-signature = sa signature n'est pas reconnue
error-token-malformed = il est mal formé
error-token-claim-missing = l'attribut « { $claim } » manque
error-token-issuer = il n'a pas été émis par { $issuer }
error-token-not-yet-valid = il n'est pas encore valide
error-token-algorithm = seul l'algorithme de signature { $algorithm } est admis
error-token-role = le rôle { $role } n'existe pas (rôles : { $roles })
error-token-organisation = l'organisation (org) doit compter de 1 à { $max_chars } caractères imprimables
error-token-lifetime = un jeton ne peut être valable plus de { $hours } heures
# Le détail donné par la bibliothèque de jetons (PyJWT), en anglais.
error-token-other = { $detail }
error-role-not-allowed = { $count ->
        [0] Aucun rôle ne permet cette opération.
       *[other] Le rôle { $role } ne permet pas cette opération (rôles admis : { $allowed }).
    }
error-other-organisation = L'organisation { $organisation } (rôle { $role }) ne peut pas agir pour { $target }.

## Les données communes

error-country-code = Le code { $country } n'est pas un code de pays ISO 3166-1.

## Le registre des labels : centres, référentiel, audits, label

label-area-hr-procedures = Procédures de ressources humaines
label-area-training = Formation
label-area-monitoring-and-privacy = Contrôle électronique et respect de la vie privée
label-area-working-conditions = Conditions de travail
label-site-twice = Le site { $site } figure deux fois.
label-site-taken = Le site { $site } est déjà rattaché à un autre centre.
audit-area-count = { $found ->
        [0] Le domaine « { $area } » manque : le référentiel doit compter chaque domaine exactement une fois.
       *[other] Le domaine « { $area } » figure { $found } fois : le référentiel doit compter chaque domaine exactement une fois.
    }
audit-criterion-code-twice = Le code de critère { $code } est employé deux fois.
audit-criterion-not-scored = Le critère { $code } n'a pas reçu de note.
audit-criterion-unknown = Le code { $code } ne désigne aucun critère de ce référentiel.
audit-criterion-scored-twice = Le critère { $code } a reçu deux notes.
audit-score-out-of-range = La note { $score } n'est pas comprise entre 0 et { $max_score }, la note maximale du critère.
audit-in-the-future = Un audit ne peut être enregistré avant d'avoir eu lieu : il est daté du { $audited_on }, nous sommes le { $today }.
label-validity-ends-first = La fin de validité ({ $valid_until }) doit être postérieure au début de validité ({ $valid_from }).
label-validity-too-long = La validité demandée, de { $days } jours, dépasse la durée maximale de { $max_days } jours fixée par le comité.
label-validity-ended = La fin de validité ({ $valid_until }) doit être postérieure à aujourd'hui ({ $today }).
label-suspended-not-granted = Un label suspendu est rétabli ou retiré ; il ne peut pas être attribué de nouveau.
label-audit-other-centre = L'audit porte sur le centre { $audit_centre }, et non sur le centre { $centre }.
label-audit-failed = L'audit n'a pas été réussi dans tous les domaines.
label-audit-too-old = L'audit du { $audited_on } précède de { $days } jours le début de validité ({ $valid_from }) ; le comité admet au plus { $max_days } jours.
label-audit-after-start = L'audit du { $audited_on } est postérieur au début de validité ({ $valid_from }).
label-remedy-deadline-past = Le délai de mise en conformité ({ $deadline }) doit être postérieur à aujourd'hui ({ $today }).
label-transition-refused = { $status ->
        [none] Le centre n'a pas de label { $action ->
            [suspended] à suspendre
            [reinstated] à rétablir
           *[withdrawn] à retirer
        }.
       *[other] Un label { $status ->
            [granted] attribué
            [suspended] suspendu
            [withdrawn] retiré
           *[expired] expiré
        } ne peut pas être { $action ->
            [suspended] suspendu
            [reinstated] rétabli
           *[withdrawn] retiré
        }.
    }

## Appels d'offres, offres et contrats

tender-closed = L'appel d'offres n'est plus ouvert aux offres.
tender-already-awarded = L'appel d'offres a déjà été attribué.
tender-centre-unknown = Le centre { $centre } n'est pas (encore) connu du registre des labels.
tender-site-country-refused = Ce site est situé dans un pays ({ $country }) que l'appel d'offres n'admet pas ; pays admis : { $allowed }.
contract-site-unknown = Le site { $site } n'appartient pas au centre { $centre }.
contract-amendment-outside = La date d'effet ({ $effective }) doit se situer pendant le contrat, du { $start } au { $end }.
contract-terminated = Le contrat a été résilié.
contract-no-baseline = Le contrat n'a pas de volume de référence.
contract-volume-site-and-start-required = Le site (site_id) et le début de l'intervalle (interval_start) sont obligatoires.
contract-volume-not-a-contract-id = La valeur { $given } n'est pas un identifiant de contrat.
contract-volume-site-not-on-contract = Le site { $site } ne figure pas au contrat.
contract-volume-day-outside = Le { $day } est en dehors des dates du contrat (du { $first } au { $last }).

## Préavis de variation de charge

error-notice-effective-past = La date d'effet ({ $effective }) est antérieure à aujourd'hui ({ $today }).
error-notice-too-far-ahead = La date d'effet ({ $effective }) est à plus de { $days } jours d'aujourd'hui.
error-notice-after-contract = La date d'effet ({ $effective }) est postérieure au dernier jour du contrat ({ $last_day }).
error-preview-notified-past = La date de notification ({ $notified_on }) est antérieure à aujourd'hui ({ $today }).
error-preview-notified-too-far-ahead = La date de notification ({ $notified_on }) est à plus de { $days } jours d'aujourd'hui.
error-preview-desired-before-notice = La date d'effet souhaitée ({ $desired }) précède la date de notification ({ $notified_on }).

## Constats : contestation, décision, clôture, réouverture

finding-lifecycle-state-open = ouvert
finding-lifecycle-state-contested = contesté
finding-lifecycle-state-contest-upheld = contestation admise
finding-lifecycle-state-contest-dismissed = contestation rejetée
finding-lifecycle-state-remedied = remédié (clos)
finding-lifecycle-state-withdrawn = retiré
finding-move-refused = Le constat est à l'état « { $state } » ; { $move ->
        [contested] la contestation
        [ruled-on] la décision sur la contestation
        [closed] la clôture
        [reopened] la réouverture
        [withdrawn] le retrait
       *[raised-again] la nouvelle ouverture par les contrôles
    } n'est possible { $count ->
        [one] qu'à l'état « { $allowed } ».
       *[other] qu'aux états suivants : { $allowed }.
    }
finding-contest-grounds-too-short = Les motifs de la contestation doivent compter au moins { $min_chars } caractères, hors espaces.
