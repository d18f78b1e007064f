# The committee's policy: versions, and why one may not be published.

policy-version-next = La prochaine version de la politique du comité porte le numéro { $expected }.
policy-not-retroactive = Une version ne s'applique qu'à partir du lendemain de sa publication au plus tôt : sa date d'effet doit être postérieure au { $published }.
policy-before-latest = La date d'effet ne peut pas précéder celle de la version { $version } ({ $effective }).
policy-minimum-wages-same-day = Deux montants du SMIC prennent effet le même jour.
policy-decree-number = Le numéro du décret est obligatoire.
policy-default-schedule-empty = Le barème de prévenance par défaut doit comporter au moins une tranche.
