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
